//go:build !purego

#include "textflag.h"

// SUB8 partitions the eight words in Y, whose marks are at moff(DI)(CX*1):
// stored at the left frontier R9 and ending at the right one R10, which
// then move by the eight's left and right counts.
#define SUB8(Y, moff) \
	VMOVQ moff(DI)(CX*1), X5 \
	VPMOVMSKB X5, AX \
	MOVQ AX, R12 \
	SHLQ $5, R12 \
	VMOVDQU (BX)(R12*1), Y1 \
	VPERMD Y, Y1, Y2 \
	VMOVDQU Y2, (SI)(R9*4) \
	VMOVDQU Y2, -32(SI)(R10*4) \
	POPCNTL AX, AX \
	ADDQ AX, R9 \
	SUBQ $8, R10 \
	ADDQ AX, R10

// func partSteps(a *uint32, marks *uint8, steps *partStep, n, m int, tbl *[256][8]uint32)
//
// Registers: SI a, DI marks, R8 the next step, DX the steps left,
// R11 the span r-l at the step's start (m-32k), BX tbl; per step CX the
// block's position, Y3, Y4, Y6, Y7 its words (all read before any
// write: the free words on the side it is read from may be fewer than
// its 32 until it is), R9 and R10 the frontiers.
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
	LEAQ (R9)(R11*1), R10
	VMOVDQU 0(SI)(CX*4), Y3
	VMOVDQU 32(SI)(CX*4), Y4
	VMOVDQU 64(SI)(CX*4), Y6
	VMOVDQU 96(SI)(CX*4), Y7
	SUB8(Y3, 0)
	SUB8(Y4, 8)
	SUB8(Y6, 16)
	SUB8(Y7, 24)
	SUBQ $32, R11
	ADDQ $8, R8
	DECQ DX
	JNE loop

done:
	VZEROUPPER
	RET

// SUB8P partitions the eight pairs in YA (the first four) and YB, whose
// marks are at moff(DI)(CX*1): YA's left pairs then YB's stored at the
// left frontier R9, YB's right pairs ending at the right frontier R10
// and YA's below them; the frontiers then move.
#define SUB8P(YA, YB, moff) \
	VMOVQ moff(DI)(CX*1), X5 \
	VPMOVMSKB X5, AX \
	MOVQ AX, R12 \
	ANDQ $15, R12 \
	SHRQ $4, AX \
	MOVQ R12, R13 \
	SHLQ $5, R13 \
	VMOVDQU (BX)(R13*1), Y1 \
	VPERMD YA, Y1, Y2 \
	MOVQ AX, R13 \
	SHLQ $5, R13 \
	VMOVDQU (BX)(R13*1), Y1 \
	VPERMD YB, Y1, Y0 \
	VMOVDQU Y2, (SI)(R9*8) \
	POPCNTL R12, R12 \
	ADDQ R12, R9 \
	VMOVDQU Y0, (SI)(R9*8) \
	POPCNTL AX, AX \
	ADDQ AX, R9 \
	VMOVDQU Y0, -32(SI)(R10*8) \
	SUBQ $4, R10 \
	ADDQ AX, R10 \
	VMOVDQU Y2, -32(SI)(R10*8) \
	SUBQ $4, R10 \
	ADDQ R12, R10

// func partSteps64(a *gradPair, marks *uint8, steps *partStep, n, m int, tbl *[16][8]uint32)
//
// As partSteps, with pairs of 8 bytes: a step's 32 pairs are read into
// Y6-Y13 before any write.
TEXT ·partSteps64(SB), NOSPLIT, $0-48
	MOVQ a+0(FP), SI
	MOVQ marks+8(FP), DI
	MOVQ steps+16(FP), R8
	MOVQ n+24(FP), DX
	MOVQ m+32(FP), R11
	MOVQ tbl+40(FP), BX
	TESTQ DX, DX
	JEQ done64

loop64:
	MOVL 0(R8), CX
	MOVL 4(R8), R9
	LEAQ (R9)(R11*1), R10
	VMOVDQU 0(SI)(CX*8), Y6
	VMOVDQU 32(SI)(CX*8), Y7
	VMOVDQU 64(SI)(CX*8), Y8
	VMOVDQU 96(SI)(CX*8), Y9
	VMOVDQU 128(SI)(CX*8), Y10
	VMOVDQU 160(SI)(CX*8), Y11
	VMOVDQU 192(SI)(CX*8), Y12
	VMOVDQU 224(SI)(CX*8), Y13
	SUB8P(Y6, Y7, 0)
	SUB8P(Y8, Y9, 8)
	SUB8P(Y10, Y11, 16)
	SUB8P(Y12, Y13, 24)
	SUBQ $32, R11
	ADDQ $8, R8
	DECQ DX
	JNE loop64

done64:
	VZEROUPPER
	RET
