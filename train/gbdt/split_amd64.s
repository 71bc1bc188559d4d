//go:build !purego

#include "textflag.h"

// func gains4(gains, gL, hL, gR, hR *float64, n int, loss, l2 float64) (top float64)
//
// Four splits an iteration, each operation rounded as gainsGo rounds it:
// v = -g / ((h + l2) + 1e-15), gain = (loss - gL*vL) - gR*vR. Y11 holds
// the greatest gains of each lane: VMAXPD gain, top returns gain when
// gain > top and top otherwise (gain NaN among them), as topGain does.
TEXT ·gains4(SB), NOSPLIT, $0-72
	MOVQ gains+0(FP), DI
	MOVQ gL+8(FP), SI
	MOVQ hL+16(FP), R8
	MOVQ gR+24(FP), R9
	MOVQ hR+32(FP), R10
	MOVQ n+40(FP), DX
	VBROADCASTSD loss+48(FP), Y12
	VBROADCASTSD l2+56(FP), Y13
	MOVQ $0x3cd203af9ee75616, AX // 1e-15
	VMOVQ AX, X14
	VBROADCASTSD X14, Y14
	MOVQ $0x8000000000000000, AX // the sign bit
	VMOVQ AX, X15
	VBROADCASTSD X15, Y15
	VXORPD Y11, Y11, Y11 // top
	XORQ CX, CX

loop:
	CMPQ CX, DX
	JGE  done
	VMOVUPD (SI)(CX*8), Y0 // gL
	VMOVUPD (R9)(CX*8), Y1 // gR
	VADDPD  (R8)(CX*8), Y13, Y2 // hL + l2
	VADDPD  (R10)(CX*8), Y13, Y3 // hR + l2
	VADDPD  Y14, Y2, Y2
	VADDPD  Y14, Y3, Y3
	VXORPD  Y15, Y0, Y4 // -gL
	VXORPD  Y15, Y1, Y5 // -gR
	VDIVPD  Y2, Y4, Y4 // vL = -gL / (hL + l2 + 1e-15)
	VDIVPD  Y3, Y5, Y5 // vR
	VMULPD  Y4, Y0, Y4 // gL * vL
	VMULPD  Y5, Y1, Y5 // gR * vR
	VSUBPD  Y4, Y12, Y4 // loss - gL*vL
	VSUBPD  Y5, Y4, Y4 // - gR*vR
	VMOVUPD Y4, (DI)(CX*8)
	VMAXPD  Y11, Y4, Y11 // gain > top ? gain : top
	ADDQ    $4, CX
	JMP     loop

done:
	VEXTRACTF128 $1, Y11, X0
	VMAXPD       X0, X11, X11
	VPERMILPD    $1, X11, X0
	VMAXPD       X0, X11, X11
	VMOVSD       X11, top+64(FP)
	VZEROUPPER
	RET

// func subBins(dst, parent, small *bin, n int)
//
// One VSUBPD a bin (g, h, n and the padding lane), four bins an
// iteration.
TEXT ·subBins(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ parent+8(FP), SI
	MOVQ small+16(FP), DX
	MOVQ n+24(FP), CX
	SHRQ $2, CX
	JZ   subdone

subloop:
	VMOVUPD 0(SI), Y0
	VMOVUPD 32(SI), Y1
	VMOVUPD 64(SI), Y2
	VMOVUPD 96(SI), Y3
	VSUBPD  0(DX), Y0, Y0
	VSUBPD  32(DX), Y1, Y1
	VSUBPD  64(DX), Y2, Y2
	VSUBPD  96(DX), Y3, Y3
	VMOVUPD Y0, 0(DI)
	VMOVUPD Y1, 32(DI)
	VMOVUPD Y2, 64(DI)
	VMOVUPD Y3, 96(DI)
	ADDQ    $128, SI
	ADDQ    $128, DX
	ADDQ    $128, DI
	DECQ    CX
	JNZ     subloop

subdone:
	VZEROUPPER
	RET

// func scanBins(st *scanState, hf *featHist, out *float64) (k int, stopped bool)
//
// Y8 holds the running sums (g, h, n, 0) of the entries taken, one
// VADDPD an entry (each lane's sum in entry order, as the portable
// pass adds them); Y2 the other side's, total - running. A side passes
// when VCMPPD not-less-than (true when unordered, as !(x < least) is)
// holds in every lane against least = (-Inf, minHessian,
// minSamplesLeaf, -Inf). The offsets are those of scanState and of the
// arrays of scan from gA (TestScanLayout).
TEXT ·scanBins(SB), NOSPLIT, $0-33
	MOVQ    st+0(FP), DI
	MOVQ    hf+8(FP), SI
	MOVQ    out+16(FP), BX
	VMOVUPD 0(DI), Y8   // running sums
	VMOVUPD 32(DI), Y9  // total
	VMOVUPD 64(DI), Y10 // least
	ADDQ    96(DI), SI  // next entry
	MOVQ    104(DI), DX // step
	MOVQ    112(DI), CX // left
	MOVQ    120(DI), R8 // bin of the next split
	MOVQ    128(DI), R9 // db
	MOVQ    136(DI), R10 // started
	XORQ    R11, R11    // k
	XORQ    R12, R12    // stopped

scan:
	TESTQ   CX, CX
	JZ      save
	VMOVUPD (SI), Y0
	TESTQ   R10, R10
	JZ      take
	VPTEST  Y0, Y0
	JZ      next // an entry of zero bytes (no rows, sums +0): skip it

take:
	MOVQ    $1, R10
	VADDPD  Y0, Y8, Y8 // running += entry
	VSUBPD  Y8, Y9, Y2 // other = total - running
	VCMPPD  $0x15, Y10, Y8, Y1 // running not less than least
	VMOVMSKPD Y1, AX
	CMPL    AX, $15
	JNE     next
	VCMPPD  $0x15, Y10, Y2, Y1 // other not less than least
	VMOVMSKPD Y1, AX
	CMPL    AX, $15
	JNE     stop
	VMOVSD  X8, 0(BX)(R11*8)     // gA
	VMOVHPD X8, 256(BX)(R11*8)   // hA
	VEXTRACTF128 $1, Y8, X3
	VMOVSD  X3, 1024(BX)(R11*8)  // nA
	VMOVSD  X2, 512(BX)(R11*8)   // gB
	VMOVHPD X2, 768(BX)(R11*8)   // hB
	MOVB    R8, 1280(BX)(R11*1)  // bin
	INCQ    R11
	ADDQ    DX, SI
	DECQ    CX
	ADDQ    R9, R8
	CMPQ    R11, $32
	JEQ     save
	JMP     scan

next:
	ADDQ DX, SI
	DECQ CX
	ADDQ R9, R8
	JMP  scan

stop:
	MOVQ $1, R12

save:
	VMOVUPD Y8, 0(DI)
	SUBQ    hf+8(FP), SI
	MOVQ    SI, 96(DI)
	MOVQ    CX, 112(DI)
	MOVQ    R8, 120(DI)
	MOVQ    R10, 136(DI)
	MOVQ    R11, k+24(FP)
	MOVB    R12, stopped+32(FP)
	VZEROUPPER
	RET
