//go:build !purego

#include "textflag.h"

// The binary loss's gradients (see loss_amd64.go), four rows a vector,
// each operation of binaryGHGo a separate instruction in the same order:
// p = num/(1+e) with num = e where the sign bit of z is set and 1
// elsewhere (VBLENDVPD reads the sign bit), g = w·(p-y), h = (w·p)·(1-p),
// both rounded to float32 (VCVTPD2PS rounds to nearest, as Go's
// conversion) and interleaved into (g, h) pairs.

// ONES sets Y15 to four 1.0: all bits set, shifted right by 54 and left
// by 52, is 0x3FF0000000000000.
#define ONES \
	VPCMPEQQ Y15, Y15, Y15 \
	VPSRLQ $54, Y15, Y15 \
	VPSLLQ $52, Y15, Y15

// PROB sets Y2 to p and Y3 to 1-p for the rows at CX.
#define PROB \
	VMOVUPD (DI)(CX*8), Y0 \
	VMOVUPD (SI)(CX*8), Y1 \
	VBLENDVPD Y0, Y1, Y15, Y2 \
	VADDPD Y15, Y1, Y1 \
	VDIVPD Y1, Y2, Y2 \
	VSUBPD Y2, Y15, Y3

// STORE rounds Y4 (g) and Y5 (h) to float32 and stores them as pairs at
// (R8)(CX*8).
#define STORE \
	VCVTPD2PSY Y4, X4 \
	VCVTPD2PSY Y5, X5 \
	VUNPCKLPS X5, X4, X6 \
	VUNPCKHPS X5, X4, X7 \
	VMOVUPS X6, (R8)(CX*8) \
	VMOVUPS X7, 16(R8)(CX*8)

// func binaryGH(gh *gradPair, z, e, y, w *float64, n int)
TEXT ·binaryGH(SB), NOSPLIT, $0-48
	MOVQ gh+0(FP), R8
	MOVQ z+8(FP), DI
	MOVQ e+16(FP), SI
	MOVQ y+24(FP), BX
	MOVQ w+32(FP), R9
	MOVQ n+40(FP), DX
	ONES
	XORQ CX, CX
	TESTQ R9, R9
	JNE weighted

loop:
	CMPQ CX, DX
	JGE done
	PROB
	VSUBPD (BX)(CX*8), Y2, Y4 // p-y
	VMULPD Y3, Y2, Y5         // p·(1-p)
	STORE
	ADDQ $4, CX
	JMP loop

weighted:
	CMPQ CX, DX
	JGE done
	PROB
	VMOVUPD (R9)(CX*8), Y6
	VSUBPD (BX)(CX*8), Y2, Y4 // p-y
	VMULPD Y6, Y4, Y4         // w·(p-y)
	VMULPD Y6, Y2, Y5         // w·p
	VMULPD Y3, Y5, Y5         // w·p·(1-p)
	STORE
	ADDQ $4, CX
	JMP weighted

done:
	VZEROUPPER
	RET
