//go:build !purego

#include "textflag.h"

// The histogram kernels (see hist_amd64.go). Each row's gradient pair
// (g, h), loaded as 8 bytes, becomes with a count of 1 the float64 vector
// (g, h, 1, 0) in Y0 (float32 to float64 is exact), which one VADDPD adds
// to a 32-byte bin and one VMOVUPD stores back: one store per feature and
// row instead of three. Two rows per iteration.

// ROW4 adds the row at index CX+off (pair at goff(DI)(CX*8), goff =
// 8*off) to the four histograms at BX, whose columns start at R10,
// R10+R11, R10+2*R11 and R10+R12.
#define ROW4(off, goff) \
	LEAQ off(R10)(CX*1), AX \
	VMOVSD goff(DI)(CX*8), X0 \
	VORPS X14, X0, X0 \
	VCVTPS2PD X0, Y0 \
	MOVBLZX (AX), R13 \
	SHLQ $5, R13 \
	VADDPD (BX)(R13*1), Y0, Y1 \
	VMOVUPD Y1, (BX)(R13*1) \
	MOVBLZX (AX)(R11*1), R13 \
	SHLQ $5, R13 \
	VADDPD 8192(BX)(R13*1), Y0, Y2 \
	VMOVUPD Y2, 8192(BX)(R13*1) \
	MOVBLZX (AX)(R11*2), R13 \
	SHLQ $5, R13 \
	VADDPD 16384(BX)(R13*1), Y0, Y3 \
	VMOVUPD Y3, 16384(BX)(R13*1) \
	MOVBLZX (AX)(R12*1), R13 \
	SHLQ $5, R13 \
	VADDPD 24576(BX)(R13*1), Y0, Y4 \
	VMOVUPD Y4, 24576(BX)(R13*1)

// ROW2 adds the row at index CX+off to the two histograms at BX, whose
// columns start at R10 and R10+R11.
#define ROW2(off, goff) \
	LEAQ off(R10)(CX*1), AX \
	VMOVSD goff(DI)(CX*8), X0 \
	VORPS X14, X0, X0 \
	VCVTPS2PD X0, Y0 \
	MOVBLZX (AX), R13 \
	SHLQ $5, R13 \
	VADDPD (BX)(R13*1), Y0, Y1 \
	VMOVUPD Y1, (BX)(R13*1) \
	MOVBLZX (AX)(R11*1), R13 \
	SHLQ $5, R13 \
	VADDPD 8192(BX)(R13*1), Y0, Y2 \
	VMOVUPD Y2, 8192(BX)(R13*1)

// ROW1 adds the row at index CX+off to the histogram at BX of the
// column at R10.
#define ROW1(off, goff) \
	VMOVSD goff(DI)(CX*8), X0 \
	VORPS X14, X0, X0 \
	VCVTPS2PD X0, Y0 \
	MOVBLZX off(R10)(CX*1), R13 \
	SHLQ $5, R13 \
	VADDPD (BX)(R13*1), Y0, Y1 \
	VMOVUPD Y1, (BX)(R13*1)

// ONES sets X14 to the float32 vector (0, 0, 1, 0).
#define ONES \
	VPXOR X14, X14, X14 \
	MOVL $0x3f800000, AX \
	VPINSRD $2, AX, X14, X14

// func histSeq4(hist *[4]featHist, cols *uint8, stride int, m int, gh *gradPair)
TEXT ·histSeq4(SB), NOSPLIT, $0-40
	MOVQ hist+0(FP), BX
	MOVQ cols+8(FP), R10
	MOVQ stride+16(FP), R11
	MOVQ m+24(FP), DX
	MOVQ gh+32(FP), DI
	LEAQ (R11)(R11*2), R12 // 3 * stride
	ONES
	XORQ CX, CX
	MOVQ DX, R8
	ANDQ $-2, R8 // rows in pairs
	JEQ tail4

loop4:
	ROW4(0, 0)
	ROW4(1, 8)
	ADDQ $2, CX
	CMPQ CX, R8
	JLT loop4

tail4:
	CMPQ CX, DX
	JGE done4
	ROW4(0, 0)

done4:
	VZEROUPPER
	RET

// func histSeq2(hist *[2]featHist, cols *uint8, stride int, m int, gh *gradPair)
TEXT ·histSeq2(SB), NOSPLIT, $0-40
	MOVQ hist+0(FP), BX
	MOVQ cols+8(FP), R10
	MOVQ stride+16(FP), R11
	MOVQ m+24(FP), DX
	MOVQ gh+32(FP), DI
	ONES
	XORQ CX, CX
	MOVQ DX, R8
	ANDQ $-2, R8
	JEQ tail2

loop2:
	ROW2(0, 0)
	ROW2(1, 8)
	ADDQ $2, CX
	CMPQ CX, R8
	JLT loop2

tail2:
	CMPQ CX, DX
	JGE done2
	ROW2(0, 0)

done2:
	VZEROUPPER
	RET

// func histSeq1(hist *featHist, col *uint8, m int, gh *gradPair)
TEXT ·histSeq1(SB), NOSPLIT, $0-32
	MOVQ hist+0(FP), BX
	MOVQ col+8(FP), R10
	MOVQ m+16(FP), DX
	MOVQ gh+24(FP), DI
	ONES
	XORQ CX, CX
	MOVQ DX, R8
	ANDQ $-2, R8
	JEQ tail1

loop1:
	ROW1(0, 0)
	ROW1(1, 8)
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

// func pextPartition(col, mask, tmp *uint8, m int) (nl, nr int)
//
// For each 8 bytes of col (m rounded down to 8), PEXT keeps the bytes
// whose mask byte is 0xFF (written at col+nl: never past the bytes
// already read) and those whose mask byte is 0 (written at tmp+nr).
TEXT ·pextPartition(SB), NOSPLIT, $0-48
	MOVQ col+0(FP), SI
	MOVQ mask+8(FP), DI
	MOVQ tmp+16(FP), R8
	MOVQ m+24(FP), DX
	ANDQ $-8, DX
	XORQ CX, CX
	XORQ R9, R9
	XORQ R10, R10
	TESTQ DX, DX
	JEQ pdone

ploop:
	MOVQ (DI)(CX*1), AX
	MOVQ (SI)(CX*1), BX
	PEXTQ AX, BX, R11
	NOTQ AX
	PEXTQ AX, BX, R12
	POPCNTQ AX, R13
	MOVQ R11, (SI)(R9*1)
	MOVQ R12, (R8)(R10*1)
	SHRQ $3, R13
	ADDQ R13, R10
	ADDQ $8, R9
	SUBQ R13, R9
	ADDQ $8, CX
	CMPQ CX, DX
	JLT ploop

pdone:
	MOVQ R9, nl+32(FP)
	MOVQ R10, nr+40(FP)
	RET
