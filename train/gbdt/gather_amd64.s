//go:build !purego

#include "textflag.h"

// gatherDistance is how many rows ahead gatherPairs prefetches.
#define gatherDistance 32

// func gatherPairs(dst, src *gradPair, rows *uint32, n int)
TEXT ·gatherPairs(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ rows+16(FP), DX
	MOVQ n+24(FP), CX
	XORQ AX, AX
	MOVQ CX, BX
	SUBQ $gatherDistance, BX
	JLE tail

loop:
	MOVL (4*gatherDistance)(DX)(AX*4), R8
	PREFETCHT0 (SI)(R8*8)
	MOVL (DX)(AX*4), R9
	MOVQ (SI)(R9*8), R10
	MOVQ R10, (DI)(AX*8)
	INCQ AX
	CMPQ AX, BX
	JB loop

tail:
	CMPQ AX, CX
	JAE done
	MOVL (DX)(AX*4), R9
	MOVQ (SI)(R9*8), R10
	MOVQ R10, (DI)(AX*8)
	INCQ AX
	JMP tail

done:
	RET
