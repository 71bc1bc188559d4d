//go:build !purego

#include "textflag.h"

// func dotRowsAVX(x []float64, stride int, w, z []float64)
//
// Four rows at a time: Y4..Y7 hold the four lane sums of rows 0..3 (lane l
// sums the products of features i ≡ l mod 4), the products are rounded
// before they are added (VMULPD then VADDPD, never an FMA), the features
// left over are added to lane 0 in order, and each row's result is
// (s0+s2) + (s1+s3): the order of dot in dot.go.
TEXT ·dotRowsAVX(SB), NOSPLIT, $0-80
	MOVQ x_base+0(FP), SI
	MOVQ stride+24(FP), R8
	SHLQ $3, R8             // stride in bytes
	MOVQ w_base+32(FP), DI
	MOVQ w_len+40(FP), R10
	SHLQ $3, R10            // p in bytes
	MOVQ R10, R9
	ANDQ $-32, R9           // bytes of the features summed by lanes
	MOVQ z_base+56(FP), DX
	MOVQ z_len+64(FP), BX

rows:
	CMPQ BX, $4
	JLT  done
	LEAQ (SI)(R8*1), R11    // row 1
	LEAQ (R11)(R8*1), R12   // row 2
	LEAQ (R12)(R8*1), R13   // row 3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	XORQ AX, AX             // byte offset of the feature

lanes:
	CMPQ AX, R9
	JGE  split
	VMOVUPD (DI)(AX*1), Y0
	VMULPD  (SI)(AX*1), Y0, Y1
	VADDPD  Y1, Y4, Y4
	VMULPD  (R11)(AX*1), Y0, Y2
	VADDPD  Y2, Y5, Y5
	VMULPD  (R12)(AX*1), Y0, Y3
	VADDPD  Y3, Y6, Y6
	VMULPD  (R13)(AX*1), Y0, Y1
	VADDPD  Y1, Y7, Y7
	ADDQ    $32, AX
	JMP     lanes

split:
	// Lanes 2 and 3 to X8..X11 before the scalar adds below clear the
	// upper halves of Y4..Y7.
	VEXTRACTF128 $1, Y4, X8
	VEXTRACTF128 $1, Y5, X9
	VEXTRACTF128 $1, Y6, X10
	VEXTRACTF128 $1, Y7, X11

tail:
	CMPQ   AX, R10
	JGE    reduce
	VMOVSD (DI)(AX*1), X0
	VMULSD (SI)(AX*1), X0, X1
	VADDSD X1, X4, X4
	VMULSD (R11)(AX*1), X0, X2
	VADDSD X2, X5, X5
	VMULSD (R12)(AX*1), X0, X3
	VADDSD X3, X6, X6
	VMULSD (R13)(AX*1), X0, X1
	VADDSD X1, X7, X7
	ADDQ   $8, AX
	JMP    tail

reduce:
	VADDPD    X8, X4, X4    // (s0+s2, s1+s3)
	VUNPCKHPD X4, X4, X0    // s1+s3
	VADDSD    X0, X4, X4
	VMOVSD    X4, 0(DX)
	VADDPD    X9, X5, X5
	VUNPCKHPD X5, X5, X0
	VADDSD    X0, X5, X5
	VMOVSD    X5, 8(DX)
	VADDPD    X10, X6, X6
	VUNPCKHPD X6, X6, X0
	VADDSD    X0, X6, X6
	VMOVSD    X6, 16(DX)
	VADDPD    X11, X7, X7
	VUNPCKHPD X7, X7, X0
	VADDSD    X0, X7, X7
	VMOVSD    X7, 24(DX)

	LEAQ (SI)(R8*4), SI     // the next four rows
	ADDQ $32, DX
	SUBQ $4, BX
	JMP  rows

done:
	VZEROUPPER
	RET
