//go:build !purego

#include "textflag.h"

// func partSteps(a *uint32, marks *uint8, steps *partStep, n, m int, tbl *[256][8]uint32)
//
// Registers: SI a, DI marks, R8 the next step, DX the steps left,
// R11 the distance r-l (m-8k), BX packTable.
TEXT ·partSteps(SB), NOSPLIT, $0-48
	MOVQ a+0(FP), SI
	MOVQ marks+8(FP), DI
	MOVQ steps+16(FP), R8
	MOVQ n+24(FP), DX
	MOVQ m+32(FP), R11
	MOVQ tbl+40(FP), BX
	TESTQ DX, DX
	JEQ done

loop:
	MOVL 0(R8), CX
	MOVL 4(R8), R9
	VMOVQ (DI)(CX*1), X5
	VPMOVMSKB X5, AX
	SHLQ $5, AX
	VMOVDQU (BX)(AX*1), Y1
	VMOVDQU (SI)(CX*4), Y0
	VPERMD Y0, Y1, Y2
	VMOVDQU Y2, (SI)(R9*4)
	LEAQ (R9)(R11*1), R10
	VMOVDQU Y2, -32(SI)(R10*4)
	SUBQ $8, R11
	ADDQ $8, R8
	DECQ DX
	JNE loop

done:
	VZEROUPPER
	RET
