//go:build !purego

#include "textflag.h"

// The AVX2 kernels of the scan form (scanGroup in shapscan.go): 4 or 8
// lanes, one or two YMM registers per vector, each product and quotient
// rounded on its own (never an FMA), in scanGroup's order, so that both
// give the same bits. The selections by the row's case e of an edge are
// VBLENDVPD with the masks of scanMask<>: entry e is all ones for e = 1
// (leaves), entry e+2 for e = 2 (left); entry l for the leaf flag l.
//
// A scanRec is 48 bytes: par 0, prev 4, feature 8, flags 12 (1 right,
// 2 leaf, 4 repeat), v 16, z 24, zp 32, fv 40. tab holds the group's
// points, weights, 1−t and −w/(1−t); vals C, S and H per slot.

DATA scanMask<>+0(SB)/8, $0
DATA scanMask<>+8(SB)/8, $0
DATA scanMask<>+16(SB)/8, $0
DATA scanMask<>+24(SB)/8, $0
DATA scanMask<>+32(SB)/8, $-1
DATA scanMask<>+40(SB)/8, $-1
DATA scanMask<>+48(SB)/8, $-1
DATA scanMask<>+56(SB)/8, $-1
DATA scanMask<>+64(SB)/8, $0
DATA scanMask<>+72(SB)/8, $0
DATA scanMask<>+80(SB)/8, $0
DATA scanMask<>+88(SB)/8, $0
DATA scanMask<>+96(SB)/8, $0
DATA scanMask<>+104(SB)/8, $0
DATA scanMask<>+112(SB)/8, $0
DATA scanMask<>+120(SB)/8, $0
DATA scanMask<>+128(SB)/8, $-1
DATA scanMask<>+136(SB)/8, $-1
DATA scanMask<>+144(SB)/8, $-1
DATA scanMask<>+152(SB)/8, $-1
GLOBL scanMask<>(SB), RODATA|NOPTR, $160

DATA scanOne<>+0(SB)/8, $1.0
GLOBL scanOne<>(SB), RODATA|NOPTR, $8

// Registers of both kernels: R13 the record, BX the end of the records,
// DI tab, R8 route, R9 cases, R10 vals, R12 phi, DX the slot i, R11 the
// masks, Y9 = 1; in the forward loop, Y10 v, Y11 z, Y12 1−z, Y13 1−z_p,
// Y14 z_p, Y15 the case masks (leaves), Y8 (left).

// PREP loads the edge's scalars and computes its case e into R14 (as
// e·32, the offset of its mask) and cases[i], AX = par·SLOT.
#define PREP(SLOT) \
	MOVLQSX 0(R13), AX \
	MOVL    (R8)(AX*4), R14 \
	XORL    12(R13), R14 \
	ANDL    $1, R14 \
	MOVLQSX 4(R13), SI \
	MOVL    (R9)(SI*4), SI \
	TESTL   SI, SI \
	MOVL    $2, SI \
	CMOVLNE SI, R14 \
	MOVL    R14, (R9)(DX*4) \
	SHLQ    $5, R14 \
	VMOVUPD (R11)(R14*1), Y15 \
	VMOVUPD 64(R11)(R14*1), Y8 \
	IMUL3Q  $SLOT, AX, AX \
	MOVQ    DX, CX \
	IMUL3Q  $SLOT, CX, CX \
	ADDQ    R10, CX \
	VBROADCASTSD 16(R13), Y10 \
	VBROADCASTSD 24(R13), Y11 \
	VSUBPD  Y11, Y9, Y12 \
	VBROADCASTSD 32(R13), Y14 \
	VSUBPD  Y14, Y9, Y13

// FIRST computes R (Y4) and H (Y6) of an edge on a feature first split
// on the path, for the lanes at byte OFF of a group of W lanes (bytes
// W8 = 8·W): fc = z + (1−z)·t (Y3).
#define FIRST(OFF, W8) \
	VMULPD  OFF(DI), Y12, Y3 \
	VADDPD  Y3, Y11, Y3 \
	VMULPD  Y3, Y10, Y4 \
	VMULPD  Y11, Y10, Y5 \
	VMULPD  OFF+2*W8(DI), Y5, Y5 \
	VDIVPD  Y3, Y12, Y6 \
	VMULPD  OFF+W8(DI), Y6, Y6 \
	VBLENDVPD Y15, Y5, Y4, Y4 \
	VBLENDVPD Y15, OFF+3*W8(DI), Y6, Y6

// REPEAT is FIRST on a feature split before: fp = z_p + (1−z_p)·t (Y7),
// hp = (1−z_p)/fp (Y2).
#define REPEAT(OFF, W8) \
	VMULPD  OFF(DI), Y12, Y3 \
	VADDPD  Y3, Y11, Y3 \
	VMULPD  OFF(DI), Y13, Y7 \
	VADDPD  Y7, Y14, Y7 \
	VDIVPD  Y7, Y13, Y2 \
	VMULPD  Y3, Y10, Y4 \
	VDIVPD  Y7, Y4, Y4 \
	VMULPD  Y11, Y10, Y5 \
	VMULPD  OFF+2*W8(DI), Y5, Y5 \
	VDIVPD  Y7, Y5, Y5 \
	VDIVPD  Y3, Y12, Y6 \
	VSUBPD  Y2, Y6, Y6 \
	VMULPD  OFF+W8(DI), Y6, Y6 \
	VMULPD  OFF+W8(DI), Y2, Y2 \
	VMOVUPD OFF+3*W8(DI), Y1 \
	VSUBPD  Y2, Y1, Y2 \
	VBLENDVPD Y15, Y5, Y4, Y4 \
	VBLENDVPD Y15, Y2, Y6, Y6 \
	VBROADCASTSD 40(R13), Y5 \
	VBLENDVPD Y8, Y5, Y4, Y4 \
	VXORPD  Y5, Y5, Y5 \
	VBLENDVPD Y8, Y5, Y6, Y6

// STORE writes C = C[par]·R, S and H of slot i (at CX) for the lanes at
// byte OFF, Y0 holding the leaf mask.
#define STORE(OFF, W8) \
	VMULPD  OFF(R10)(AX*1), Y4, Y4 \
	VMOVUPD Y4, OFF(CX) \
	VMOVUPD Y6, OFF+2*W8(CX) \
	VANDPD  Y0, Y4, Y4 \
	VMOVUPD Y4, OFF+W8(CX)

// LEAFMASK loads the mask of the leaf flag into Y0.
#define LEAFMASK \
	MOVL    12(R13), SI \
	ANDL    $2, SI \
	SHLQ    $4, SI \
	VMOVUPD (R11)(SI*1), Y0

// BACK adds H·S of slot i to phi[feature] and S to S[par] for the lanes
// at byte OFF; CX is &vals[slot i], AX the parent's offset, SI the
// feature's.
#define BACK(OFF, W8) \
	VMOVUPD OFF+W8(CX), Y0 \
	VMULPD  OFF+2*W8(CX), Y0, Y1 \
	VADDPD  OFF(R12)(SI*1), Y1, Y1 \
	VMOVUPD Y1, OFF(R12)(SI*1) \
	VADDPD  OFF+W8(R10)(AX*1), Y0, Y0 \
	VMOVUPD Y0, OFF+W8(R10)(AX*1)

// BACKPREP sets CX, AX and SI for BACK.
#define BACKPREP(SLOT) \
	MOVQ    DX, CX \
	IMUL3Q  $SLOT, CX, CX \
	ADDQ    R10, CX \
	MOVLQSX 0(R13), AX \
	IMUL3Q  $SLOT, AX, AX \
	MOVLQSX 8(R13), SI \
	SHLQ    $6, SI

#define ARGS \
	MOVQ recs_base+0(FP), R13 \
	MOVQ recs_len+8(FP), BX \
	IMUL3Q $48, BX, BX \
	ADDQ R13, BX \
	MOVQ tab_base+24(FP), DI \
	MOVQ route_base+48(FP), R8 \
	MOVQ cases_base+72(FP), R9 \
	MOVQ vals_base+96(FP), R10 \
	MOVQ phi_base+120(FP), R12 \
	LEAQ scanMask<>(SB), R11 \
	VBROADCASTSD scanOne<>(SB), Y9 \
	MOVQ $1, DX \
	ADDQ $48, R13

// func scanGroup4AVX2(recs []scanRec, tab []float64, route, cases []int32, vals, phi []float64)
TEXT ·scanGroup4AVX2(SB), NOSPLIT, $0-144
	ARGS

fwd4:
	CMPQ R13, BX
	JGE  back4
	PREP(96)
	LEAFMASK
	TESTL $4, 12(R13)
	JNZ   rep4
	FIRST(0, 32)
	STORE(0, 32)
	ADDQ $48, R13
	INCQ DX
	JMP  fwd4

rep4:
	REPEAT(0, 32)
	STORE(0, 32)
	ADDQ $48, R13
	INCQ DX
	JMP  fwd4

back4:
	DECQ DX
	SUBQ $48, R13

bwd4:
	CMPQ DX, $1
	JLT  done4
	BACKPREP(96)
	BACK(0, 32)
	SUBQ $48, R13
	DECQ DX
	JMP  bwd4

done4:
	VZEROUPPER
	RET

// func scanGroup8AVX2(recs []scanRec, tab []float64, route, cases []int32, vals, phi []float64)
TEXT ·scanGroup8AVX2(SB), NOSPLIT, $0-144
	ARGS

fwd8:
	CMPQ R13, BX
	JGE  back8
	PREP(192)
	LEAFMASK
	TESTL $4, 12(R13)
	JNZ   rep8
	FIRST(0, 64)
	STORE(0, 64)
	FIRST(32, 64)
	STORE(32, 64)
	ADDQ $48, R13
	INCQ DX
	JMP  fwd8

rep8:
	REPEAT(0, 64)
	STORE(0, 64)
	REPEAT(32, 64)
	STORE(32, 64)
	ADDQ $48, R13
	INCQ DX
	JMP  fwd8

back8:
	DECQ DX
	SUBQ $48, R13

bwd8:
	CMPQ DX, $1
	JLT  done8
	BACKPREP(192)
	BACK(0, 64)
	BACK(32, 64)
	SUBQ $48, R13
	DECQ DX
	JMP  bwd8

done8:
	VZEROUPPER
	RET
