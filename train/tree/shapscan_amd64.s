//go:build !purego

#include "textflag.h"

// The AVX2 kernels of the scan form (scanGroup in shapscan.go): 4 or 8
// lanes, one or two YMM registers per vector, each product and quotient
// rounded on its own (never an FMA), in scanGroup's order, so that both
// give the same bits.
//
// A scanRec is 88 bytes: slot 0, kids 4 and 8, feature 12, prev 16,
// flags 20 (1 missing goes right, 2 repeat, 4 special, 8 cherry), threshold 24,
// zp 32, z 40 and 48, v 56 and 64, fv 72 and 80. tab holds the group's
// points, weights, 1−t and −w/(1−t), W8 bytes each; vals C (then S) and
// H per slot, SLOT = 2·W8 bytes.
//
// Registers: R13 the record, DI tab, R8 route, R9 cases, R10 vals, R12
// phi, Y9 = 1 (R15 is not used: it is clobbered by global accesses when
// linking dynamically); per record R14 the side the row takes (0 left,
// 1 right), CX the other, Y14 all ones when it is right, AX the
// split's offset in vals, BX and R11 the left and right child's, Y8 all
// ones when the row left the path at an earlier split on the feature;
// DX the row, reloaded from the arguments at each split. The frame's
// locals hold the current job, the end of the jobs, and the start and
// end of the job's records.
//
// The children's values are computed for the side the row takes (t)
// and the other (o), then selected into the left and right child's
// slots, so that the addresses of the stores do not wait on the row:
// the next split's load of its C need not wait for the route.

DATA scanOne<>+0(SB)/8, $1.0
GLOBL scanOne<>(SB), RODATA|NOPTR, $8

// scanSel holds the masks of a side or a flag d: 0 and all ones.
DATA scanSel<>+0(SB)/8, $0
DATA scanSel<>+8(SB)/8, $-1
GLOBL scanSel<>(SB), RODATA|NOPTR, $16

// ROUTE sets R14 to the side the row takes, CX to the other, Y14 to its
// mask, AX to the split's offset in vals, BX and R11 to the children's
// slots. A categorical or ZeroMissing split's side is in route;
// another's is value > threshold, or the missing side for NaN
// (unordered).
#define ROUTE(SLOT, special, routed, ROW) \
	MOVLQSX 0(R13), AX \
	TESTL   $4, 20(R13) \
	JNZ     special \
	MOVLQSX 12(R13), SI \
	MOVQ    ROW, DX \
	VMOVSD  (DX)(SI*8), X0 \
	XORL    R14, R14 \
	XORL    SI, SI \
	VUCOMISD 24(R13), X0 \
	SETHI   R14B \
	SETPS   SIB \
	ANDL    20(R13), SI \
	ORL     SI, R14 \
	JMP     routed \
special: \
	MOVL    (R8)(AX*4), R14 \
routed: \
	MOVL    R14, CX \
	XORL    $1, CX \
	LEAQ    scanSel<>(SB), SI \
	VBROADCASTSD (SI)(R14*8), Y14 \
	IMUL3Q  $SLOT, AX, AX \
	MOVLQSX 4(R13), BX \
	MOVLQSX 8(R13), R11

// SPLIT stores the children's C and H, from t's (Y10, Y11) and o's
// (Y12, Y13), for the lanes at byte OFF.
#define SPLIT(OFF, W8) \
	VBLENDVPD Y14, Y12, Y10, Y0 \
	VMOVUPD Y0, OFF(R10)(BX*1) \
	VBLENDVPD Y14, Y10, Y12, Y0 \
	VMOVUPD Y0, OFF(R10)(R11*1) \
	VBLENDVPD Y14, Y13, Y11, Y0 \
	VMOVUPD Y0, OFF+W8(R10)(BX*1) \
	VBLENDVPD Y14, Y11, Y13, Y0 \
	VMOVUPD Y0, OFF+W8(R10)(R11*1)

// CHERRY adds, for a split whose children are both leaves, their H·C to
// the feature's accumulators (SI its offset) and writes the split's S =
// C_t + C_o over its C, for the lanes at byte OFF: the backward pass
// skips it. It keeps Y1, Y2, Y3 and Y15 (FIRSTSCALARS').
#define CHERRY(OFF, W8) \
	VADDPD  Y12, Y10, Y0 \
	VMOVUPD Y0, OFF(R10)(AX*1) \
	VMULPD  Y11, Y10, Y4 \
	VMULPD  Y13, Y12, Y6 \
	VADDPD  Y6, Y4, Y4 \
	VADDPD  OFF(R12)(SI*1), Y4, Y4 \
	VMOVUPD Y4, OFF(R12)(SI*1)

// FIRST computes, for the lanes at byte OFF, the taken child's C =
// C_p·(v_t·fc) (Y10) and H = w·((1−z_t)/fc) (Y11), fc = z_t + (1−z_t)·t,
// and the other's C = C_p·((v_o·z_o)·(1−t)) (Y12) and H = −w/(1−t)
// (Y13).
#define FIRST(OFF, W8) \
	VMULPD  OFF(DI), Y3, Y4 \
	VADDPD  Y4, Y1, Y4 \
	VMULPD  Y4, Y2, Y10 \
	VMULPD  OFF(R10)(AX*1), Y10, Y10 \
	VDIVPD  Y4, Y3, Y11 \
	VMULPD  OFF+W8(DI), Y11, Y11 \
	VMULPD  OFF+2*W8(DI), Y15, Y12 \
	VMULPD  OFF(R10)(AX*1), Y12, Y12 \
	VMOVUPD OFF+3*W8(DI), Y13

// FIRSTSCALARS broadcasts what FIRST needs of the record, once for both
// halves of 8 lanes: z_t (Y1), v_t (Y2), 1−z_t (Y3) and v_o·z_o (Y15).
#define FIRSTSCALARS \
	VBROADCASTSD 40(R13)(R14*8), Y1 \
	VBROADCASTSD 56(R13)(R14*8), Y2 \
	VSUBPD  Y1, Y9, Y3 \
	VBROADCASTSD 40(R13)(CX*8), Y5 \
	VBROADCASTSD 56(R13)(CX*8), Y6 \
	VMULPD  Y5, Y6, Y15

// REPEAT is FIRST on a feature split before on the path: fp = z_p +
// (1−z_p)·t, hp = (1−z_p)/fp; the taken child's R = (v_t·fc)/fp and
// H = w·((1−z_t)/fc − hp), the other's R = ((v_o·z_o)·(1−t))/fp and
// H = −w/(1−t) − w·hp; when the row left the path before (Y8), each
// child's R = fv and H = 0.
#define REPEAT(OFF, W8) \
	VBROADCASTSD 32(R13), Y1 \
	VSUBPD  Y1, Y9, Y2 \
	VMULPD  OFF(DI), Y2, Y3 \
	VADDPD  Y3, Y1, Y3 \
	VDIVPD  Y3, Y2, Y2 \
	VBROADCASTSD 40(R13)(R14*8), Y4 \
	VBROADCASTSD 56(R13)(R14*8), Y5 \
	VSUBPD  Y4, Y9, Y6 \
	VMULPD  OFF(DI), Y6, Y7 \
	VADDPD  Y7, Y4, Y7 \
	VMULPD  Y7, Y5, Y5 \
	VDIVPD  Y3, Y5, Y10 \
	VDIVPD  Y7, Y6, Y6 \
	VSUBPD  Y2, Y6, Y6 \
	VMULPD  OFF+W8(DI), Y6, Y11 \
	VBROADCASTSD 72(R13)(R14*8), Y7 \
	VBLENDVPD Y8, Y7, Y10, Y10 \
	VXORPD  Y7, Y7, Y7 \
	VBLENDVPD Y8, Y7, Y11, Y11 \
	VMULPD  OFF(R10)(AX*1), Y10, Y10 \
	VBROADCASTSD 40(R13)(CX*8), Y4 \
	VBROADCASTSD 56(R13)(CX*8), Y5 \
	VMULPD  Y4, Y5, Y5 \
	VMULPD  OFF+2*W8(DI), Y5, Y5 \
	VDIVPD  Y3, Y5, Y12 \
	VMULPD  OFF+W8(DI), Y2, Y6 \
	VMOVUPD OFF+3*W8(DI), Y13 \
	VSUBPD  Y6, Y13, Y13 \
	VBROADCASTSD 72(R13)(CX*8), Y7 \
	VBLENDVPD Y8, Y7, Y12, Y12 \
	VXORPD  Y7, Y7, Y7 \
	VBLENDVPD Y8, Y7, Y13, Y13 \
	VMULPD  OFF(R10)(AX*1), Y12, Y12

// CASES stores the children's cases of a first split: takes (0) for
// the taken, leaves (1) for the other, that is R14 for the left and CX
// for the right.
#define CASES \
	MOVL    R14, (R9)(BX*4) \
	MOVL    CX, (R9)(R11*4)

// REPCASES loads the case of the previous edge on the feature, sets Y8
// to all ones when it was not takes (d = 1) and stores the children's
// cases: left (2) for both when d = 1, else as CASES.
#define REPCASES \
	MOVLQSX 16(R13), SI \
	MOVL    (R9)(SI*4), SI \
	XORL    DX, DX \
	TESTL   SI, SI \
	SETNE   DX \
	LEAQ    scanSel<>(SB), SI \
	VBROADCASTSD (SI)(DX*8), Y8 \
	TESTL   DX, DX \
	MOVL    $2, SI \
	MOVL    R14, DX \
	CMOVLNE SI, DX \
	MOVL    DX, (R9)(BX*4) \
	MOVL    CX, DX \
	CMOVLNE SI, DX \
	MOVL    DX, (R9)(R11*4)

// BACK sets the split's S to its children's sum and adds H·S of both to
// its feature's accumulators, for the lanes at byte OFF: BX and R11 the
// children's offsets, AX the split's, SI the feature's.
#define BACK(OFF, W8) \
	VMOVUPD OFF(R10)(BX*1), Y0 \
	VMOVUPD OFF(R10)(R11*1), Y1 \
	VADDPD  Y1, Y0, Y2 \
	VMOVUPD Y2, OFF(R10)(AX*1) \
	VMULPD  OFF+W8(R10)(BX*1), Y0, Y0 \
	VMULPD  OFF+W8(R10)(R11*1), Y1, Y1 \
	VADDPD  Y1, Y0, Y0 \
	VADDPD  OFF(R12)(SI*1), Y0, Y0 \
	VMOVUPD Y0, OFF(R12)(SI*1)

#define BACKPREP(SLOT) \
	MOVLQSX 0(R13), AX \
	IMUL3Q  $SLOT, AX, AX \
	MOVLQSX 4(R13), BX \
	IMUL3Q  $SLOT, BX, BX \
	MOVLQSX 8(R13), R11 \
	IMUL3Q  $SLOT, R11, R11 \
	MOVLQSX 12(R13), SI \
	SHLQ    $6, SI

// func scanBatchAVX2(jobs []scanJob, row []float64, route, cases []int32, vals, phi []float64)
//
// The walks of jobs in order, each over 4 or 8 lanes. A scanJob is 64
// bytes: recs 0 (base) and 8 (length), tab 24 (base), the byte offset
// of its output's accumulators in phi 48, wide 56 (1 for 8 lanes).
TEXT ·scanBatchAVX2(SB), NOSPLIT, $32-144
	MOVQ jobs_base+0(FP), AX
	MOVQ jobs_len+8(FP), CX
	SHLQ $6, CX
	ADDQ AX, CX
	MOVQ CX, jobend-8(SP)
	MOVQ AX, job-16(SP)
	MOVQ route_base+48(FP), R8
	MOVQ cases_base+72(FP), R9
	MOVQ vals_base+96(FP), R10
	VBROADCASTSD scanOne<>(SB), Y9

next:
	MOVQ job-16(SP), AX
	CMPQ AX, jobend-8(SP)
	JGE  done
	MOVQ 0(AX), R13
	MOVQ R13, start-32(SP)
	MOVQ 8(AX), BX
	IMUL3Q $88, BX, BX
	ADDQ R13, BX
	MOVQ BX, end-24(SP)
	MOVQ 24(AX), DI
	MOVQ phi_base+120(FP), R12
	ADDQ 48(AX), R12
	MOVL $0, (R9)            // the root's case: takes
	VMOVUPD Y9, (R10)        // the root's C
	VMOVUPD Y9, 32(R10)
	CMPQ 56(AX), $0
	JNE  fwd8

fwd4:
	CMPQ R13, end-24(SP)
	JGE  back4
	ROUTE(64, special4, routed4, row_base+24(FP))
	TESTL $2, 20(R13)
	JNZ   rep4
	CASES
	IMUL3Q $64, BX, BX
	IMUL3Q $64, R11, R11
	TESTL $8, 20(R13)
	JNZ   firstcherry4
	FIRSTSCALARS
	FIRST(0, 32)
	SPLIT(0, 32)
	ADDQ $88, R13
	JMP  fwd4

firstcherry4:
	MOVLQSX 12(R13), SI
	SHLQ    $6, SI
	FIRSTSCALARS
	FIRST(0, 32)
	CHERRY(0, 32)
	ADDQ $88, R13
	JMP  fwd4

rep4:
	REPCASES
	IMUL3Q $64, BX, BX
	IMUL3Q $64, R11, R11
	TESTL $8, 20(R13)
	JNZ   repcherry4
	REPEAT(0, 32)
	SPLIT(0, 32)
	ADDQ $88, R13
	JMP  fwd4

repcherry4:
	MOVLQSX 12(R13), SI
	SHLQ    $6, SI
	REPEAT(0, 32)
	CHERRY(0, 32)
	ADDQ $88, R13
	JMP  fwd4

back4:
	SUBQ $88, R13
	CMPQ R13, start-32(SP)
	JLT  done4
	TESTL $8, 20(R13)
	JNZ   back4
	BACKPREP(64)
	BACK(0, 32)
	JMP  back4

done4:
	ADDQ $64, job-16(SP)
	JMP  next

fwd8:
	CMPQ R13, end-24(SP)
	JGE  back8
	ROUTE(128, special8, routed8, row_base+24(FP))
	TESTL $2, 20(R13)
	JNZ   rep8
	CASES
	IMUL3Q $128, BX, BX
	IMUL3Q $128, R11, R11
	TESTL $8, 20(R13)
	JNZ   firstcherry8
	FIRSTSCALARS
	FIRST(0, 64)
	SPLIT(0, 64)
	FIRST(32, 64)
	SPLIT(32, 64)
	ADDQ $88, R13
	JMP  fwd8

firstcherry8:
	MOVLQSX 12(R13), SI
	SHLQ    $6, SI
	FIRSTSCALARS
	FIRST(0, 64)
	CHERRY(0, 64)
	FIRST(32, 64)
	CHERRY(32, 64)
	ADDQ $88, R13
	JMP  fwd8

rep8:
	REPCASES
	IMUL3Q $128, BX, BX
	IMUL3Q $128, R11, R11
	TESTL $8, 20(R13)
	JNZ   repcherry8
	REPEAT(0, 64)
	SPLIT(0, 64)
	REPEAT(32, 64)
	SPLIT(32, 64)
	ADDQ $88, R13
	JMP  fwd8

repcherry8:
	MOVLQSX 12(R13), SI
	SHLQ    $6, SI
	REPEAT(0, 64)
	CHERRY(0, 64)
	REPEAT(32, 64)
	CHERRY(32, 64)
	ADDQ $88, R13
	JMP  fwd8

back8:
	SUBQ $88, R13
	CMPQ R13, start-32(SP)
	JLT  done8
	TESTL $8, 20(R13)
	JNZ   back8
	BACKPREP(128)
	BACK(0, 64)
	BACK(32, 64)
	JMP  back8

done8:
	ADDQ $64, job-16(SP)
	JMP  next

done:
	VZEROUPPER
	RET
