//go:build !purego

#include "textflag.h"

// The histogram kernels (see hist_amd64.go). Each row's gradient pair
// (g, h), loaded as 8 bytes, becomes with a count of 1 the float64 vector
// (g, h, 1, 0) in Y0 (float32 to float64 is exact), which one VADDPD adds
// to a 32-byte bin and one VMOVUPD stores back: one store per feature and
// row instead of three. Two rows per iteration.

// ROW4 adds the row at index CX+off/4 (pair at 2*off(DI)(CX*8)) to the
// four histograms at BX, whose columns start at R10, R10+R11, R10+2*R11
// and R10+R12.
#define ROW4(off, goff) \
	MOVL off(SI)(CX*4), AX \
	ADDQ R10, AX \
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

// ROW2 adds the row at index CX+off/4 to the two histograms at BX, whose
// columns start at R10 and R10+R11.
#define ROW2(off, goff) \
	MOVL off(SI)(CX*4), AX \
	ADDQ R10, AX \
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

// ROW1 adds the row at index CX+off/4 to the histogram at BX of the
// column at R10.
#define ROW1(off, goff) \
	MOVL off(SI)(CX*4), AX \
	VMOVSD goff(DI)(CX*8), X0 \
	VORPS X14, X0, X0 \
	VCVTPS2PD X0, Y0 \
	MOVBLZX (R10)(AX*1), R13 \
	SHLQ $5, R13 \
	VADDPD (BX)(R13*1), Y0, Y1 \
	VMOVUPD Y1, (BX)(R13*1)

// ONES sets X14 to the float32 vector (0, 0, 1, 0).
#define ONES \
	VPXOR X14, X14, X14 \
	MOVL $0x3f800000, AX \
	VPINSRD $2, AX, X14, X14

// func histRows4(hist *[4]featHist, cols *uint8, stride int, rows []uint32, gh *gradPair)
TEXT ·histRows4(SB), NOSPLIT, $0-56
	MOVQ hist+0(FP), BX
	MOVQ cols+8(FP), R10
	MOVQ stride+16(FP), R11
	MOVQ rows_base+24(FP), SI
	MOVQ rows_len+32(FP), DX
	MOVQ gh+48(FP), DI
	LEAQ (R11)(R11*2), R12 // 3 * stride
	ONES
	XORQ CX, CX
	MOVQ DX, R8
	ANDQ $-2, R8 // rows in pairs
	JEQ tail4

loop4:
	ROW4(0, 0)
	ROW4(4, 8)
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

// func histRows2(hist *[2]featHist, cols *uint8, stride int, rows []uint32, gh *gradPair)
TEXT ·histRows2(SB), NOSPLIT, $0-56
	MOVQ hist+0(FP), BX
	MOVQ cols+8(FP), R10
	MOVQ stride+16(FP), R11
	MOVQ rows_base+24(FP), SI
	MOVQ rows_len+32(FP), DX
	MOVQ gh+48(FP), DI
	ONES
	XORQ CX, CX
	MOVQ DX, R8
	ANDQ $-2, R8
	JEQ tail2

loop2:
	ROW2(0, 0)
	ROW2(4, 8)
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

// func histRows1(hist *featHist, col *uint8, rows []uint32, gh *gradPair)
TEXT ·histRows1(SB), NOSPLIT, $0-48
	MOVQ hist+0(FP), BX
	MOVQ col+8(FP), R10
	MOVQ rows_base+16(FP), SI
	MOVQ rows_len+24(FP), DX
	MOVQ gh+40(FP), DI
	ONES
	XORQ CX, CX
	MOVQ DX, R8
	ANDQ $-2, R8
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
