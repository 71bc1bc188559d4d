#include "textflag.h"

// The histogram kernels (see hist_amd64.go). Each row's gradient g, hessian
// h and count 1 become the float64 vector (g, h, 1, 0) in Y0 (exact
// conversions from float32), which one VADDPD adds to a 32-byte bin and one
// VMOVUPD stores back: one store per feature and row instead of three.

// func histRows4(hist *[4]featHist, cols *uint8, stride int, rows []uint32, grad, hess *float32, hstep int)
TEXT ·histRows4(SB), NOSPLIT, $0-72
	MOVQ hist+0(FP), BX
	MOVQ cols+8(FP), R10
	MOVQ stride+16(FP), R11
	MOVQ rows_base+24(FP), SI
	MOVQ rows_len+32(FP), DX
	MOVQ grad+48(FP), DI
	MOVQ hess+56(FP), R8
	MOVQ hstep+64(FP), R9
	LEAQ (R11)(R11*2), R12 // 3 * stride
	// X14 = float32 (0, 0, 1, 0)
	VPXOR X14, X14, X14
	MOVL $0x3f800000, AX
	VPINSRD $2, AX, X14, X14
	XORQ CX, CX
	TESTQ DX, DX
	JEQ done4

loop4:
	MOVL (SI)(CX*4), AX // row
	ADDQ R10, AX        // its bin in the first column
	VMOVSS (DI)(CX*4), X0
	VINSERTPS $0x10, (R8), X0, X0
	ADDQ R9, R8
	VORPS X14, X0, X0
	VCVTPS2PD X0, Y0
	MOVBLZX (AX), R13
	SHLQ $5, R13
	VADDPD (BX)(R13*1), Y0, Y1
	VMOVUPD Y1, (BX)(R13*1)
	MOVBLZX (AX)(R11*1), R13
	SHLQ $5, R13
	VADDPD 8192(BX)(R13*1), Y0, Y2
	VMOVUPD Y2, 8192(BX)(R13*1)
	MOVBLZX (AX)(R11*2), R13
	SHLQ $5, R13
	VADDPD 16384(BX)(R13*1), Y0, Y3
	VMOVUPD Y3, 16384(BX)(R13*1)
	MOVBLZX (AX)(R12*1), R13
	SHLQ $5, R13
	VADDPD 24576(BX)(R13*1), Y0, Y4
	VMOVUPD Y4, 24576(BX)(R13*1)
	INCQ CX
	CMPQ CX, DX
	JLT loop4

done4:
	VZEROUPPER
	RET

// func histRows1(hist *featHist, col *uint8, rows []uint32, grad, hess *float32, hstep int)
TEXT ·histRows1(SB), NOSPLIT, $0-64
	MOVQ hist+0(FP), BX
	MOVQ col+8(FP), R10
	MOVQ rows_base+16(FP), SI
	MOVQ rows_len+24(FP), DX
	MOVQ grad+40(FP), DI
	MOVQ hess+48(FP), R8
	MOVQ hstep+56(FP), R9
	VPXOR X14, X14, X14
	MOVL $0x3f800000, AX
	VPINSRD $2, AX, X14, X14
	XORQ CX, CX
	TESTQ DX, DX
	JEQ done1

loop1:
	MOVL (SI)(CX*4), AX
	VMOVSS (DI)(CX*4), X0
	VINSERTPS $0x10, (R8), X0, X0
	ADDQ R9, R8
	VORPS X14, X0, X0
	VCVTPS2PD X0, Y0
	MOVBLZX (R10)(AX*1), R13
	SHLQ $5, R13
	VADDPD (BX)(R13*1), Y0, Y1
	VMOVUPD Y1, (BX)(R13*1)
	INCQ CX
	CMPQ CX, DX
	JLT loop1

done1:
	VZEROUPPER
	RET
