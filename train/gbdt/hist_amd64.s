//go:build !purego

#include "textflag.h"

// The histogram kernels (see hist_amd64.go). Each row's gradient pair
// (g, h), loaded as 8 bytes, becomes with a count of 1 the float64 vector
// (g, h, 1, 0) in Y0 (float32 to float64 is exact), which one VADDPD adds
// to a 32-byte bin and one VMOVUPD stores back: one store per feature and
// row instead of three. Two rows per iteration.

// LOADG loads the pair at 8*r(DI)(CX*8) (row CX+r) as (g, h, 1, 0) in Y0.
#define LOADG(goff) \
	VMOVSD goff(DI)(CX*8), X0 \
	VORPS X14, X0, X0 \
	VCVTPS2PD X0, Y0

// UPD adds Y0 to the bin of the byte at b(R10)(CX*4) in the histogram at
// off(BX), through Y.
#define UPD(b, off, Y) \
	MOVBLZX b(R10)(CX*4), R13 \
	SHLQ $5, R13 \
	VADDPD off(BX)(R13*1), Y0, Y \
	VMOVUPD Y, off(BX)(R13*1)

// ROW4 adds the row at index CX+r (bins at 4*r(R10)(CX*4), pair at
// 8*r(DI)(CX*8)) to the four histograms at BX; ROW3 and ROW2 to the
// first three, two and one (a group padded with unused features).
#define ROW4(b0, b1, b2, b3, goff) \
	LOADG(goff) \
	UPD(b0, 0, Y1) \
	UPD(b1, 8192, Y2) \
	UPD(b2, 16384, Y3) \
	UPD(b3, 24576, Y4)

#define ROW3(b0, b1, b2, goff) \
	LOADG(goff) \
	UPD(b0, 0, Y1) \
	UPD(b1, 8192, Y2) \
	UPD(b2, 16384, Y3)

#define ROW2(b0, b1, goff) \
	LOADG(goff) \
	UPD(b0, 0, Y1) \
	UPD(b1, 8192, Y2)

#define ROW1(b0, goff) \
	LOADG(goff) \
	UPD(b0, 0, Y1)

// ONES sets X14 to the float32 vector (0, 0, 1, 0).
#define ONES \
	VPXOR X14, X14, X14 \
	MOVL $0x3f800000, AX \
	VPINSRD $2, AX, X14, X14

// func histSeq4(hist *[4]featHist, grp *uint8, m int, gh *gradPair)
TEXT ·histSeq4(SB), NOSPLIT, $0-32
	MOVQ hist+0(FP), BX
	MOVQ grp+8(FP), R10
	MOVQ m+16(FP), DX
	MOVQ gh+24(FP), DI
	ONES
	XORQ CX, CX
	MOVQ DX, R8
	ANDQ $-2, R8 // rows in pairs
	JEQ tail4

loop4:
	ROW4(0, 1, 2, 3, 0)
	ROW4(4, 5, 6, 7, 8)
	ADDQ $2, CX
	CMPQ CX, R8
	JLT loop4

tail4:
	CMPQ CX, DX
	JGE done4
	ROW4(0, 1, 2, 3, 0)

done4:
	VZEROUPPER
	RET

// func histSeq3(hist *[4]featHist, grp *uint8, m int, gh *gradPair)
TEXT ·histSeq3(SB), NOSPLIT, $0-32
	MOVQ hist+0(FP), BX
	MOVQ grp+8(FP), R10
	MOVQ m+16(FP), DX
	MOVQ gh+24(FP), DI
	ONES
	XORQ CX, CX
	MOVQ DX, R8
	ANDQ $-2, R8 // rows in pairs
	JEQ tail3

loop3:
	ROW3(0, 1, 2, 0)
	ROW3(4, 5, 6, 8)
	ADDQ $2, CX
	CMPQ CX, R8
	JLT loop3

tail3:
	CMPQ CX, DX
	JGE done3
	ROW3(0, 1, 2, 0)

done3:
	VZEROUPPER
	RET

// func histSeq2(hist *[4]featHist, grp *uint8, m int, gh *gradPair)
TEXT ·histSeq2(SB), NOSPLIT, $0-32
	MOVQ hist+0(FP), BX
	MOVQ grp+8(FP), R10
	MOVQ m+16(FP), DX
	MOVQ gh+24(FP), DI
	ONES
	XORQ CX, CX
	MOVQ DX, R8
	ANDQ $-2, R8 // rows in pairs
	JEQ tail2

loop2:
	ROW2(0, 1, 0)
	ROW2(4, 5, 8)
	ADDQ $2, CX
	CMPQ CX, R8
	JLT loop2

tail2:
	CMPQ CX, DX
	JGE done2
	ROW2(0, 1, 0)

done2:
	VZEROUPPER
	RET

// func histSeq1(hist *[4]featHist, grp *uint8, m int, gh *gradPair)
TEXT ·histSeq1(SB), NOSPLIT, $0-32
	MOVQ hist+0(FP), BX
	MOVQ grp+8(FP), R10
	MOVQ m+16(FP), DX
	MOVQ gh+24(FP), DI
	ONES
	XORQ CX, CX
	MOVQ DX, R8
	ANDQ $-2, R8 // rows in pairs
	JEQ tail1

loop1:
	ROW1(0, 0)
	ROW1(4, 8)
	ADDQ $2, CX
	CMPQ CX, R8
	JLT loop1

tail1:
	CMPQ CX, DX
	JGE done1
	ROW1(0, 0)

done1:
	VZEROUPPER
	RET

// func marks32(ws *uint32, marks *uint8, m int, shift uint, bin, missing, missLeft int) (nl int)
//
// For each 8 words of ws (m rounded down to 8): the byte at shift of
// each word, x, goes left when x <= bin and x != missing, or when
// x == missing and missLeft is -1 (all ones); compared as dwords
// (VPCMPGTD, VPCMPEQD), the 8 masks are packed to 8 bytes of marks
// (0xFF: left) and counted (VMOVMSKPS, POPCNT).
TEXT ·marks32(SB), NOSPLIT, $0-64
	MOVQ ws+0(FP), SI
	MOVQ marks+8(FP), DI
	MOVQ m+16(FP), DX
	MOVQ shift+24(FP), AX
	VMOVQ AX, X15
	MOVQ bin+32(FP), AX
	VMOVD AX, X12
	VPBROADCASTD X12, Y12
	MOVQ missing+40(FP), AX
	VMOVD AX, X11
	VPBROADCASTD X11, Y11
	MOVQ missLeft+48(FP), AX
	VMOVD AX, X10
	VPBROADCASTD X10, Y10
	MOVL $0xFF, AX
	VMOVD AX, X13
	VPBROADCASTD X13, Y13
	VPCMPEQD Y9, Y9, Y9
	ANDQ $-8, DX
	XORQ CX, CX
	XORQ R9, R9
	TESTQ DX, DX
	JEQ mdone

mloop:
	VMOVDQU (SI)(CX*4), Y0
	VPSRLD X15, Y0, Y0
	VPAND Y13, Y0, Y0
	VPCMPGTD Y12, Y0, Y1 // x > bin
	VPCMPEQD Y11, Y0, Y2 // x == missing
	VPOR Y1, Y2, Y3
	VPXOR Y9, Y3, Y3     // x <= bin, not missing
	VPAND Y10, Y2, Y4    // missing, going left
	VPOR Y4, Y3, Y5
	VMOVMSKPS Y5, AX
	POPCNTL AX, AX
	ADDQ AX, R9
	VEXTRACTI128 $1, Y5, X6
	VPACKSSDW X6, X5, X7
	VPACKSSWB X7, X7, X7
	VMOVQ X7, (DI)(CX*1)
	ADDQ $8, CX
	CMPQ CX, DX
	JLT mloop

mdone:
	VZEROUPPER
	MOVQ R9, nl+56(FP)
	RET
