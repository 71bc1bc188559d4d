//go:build !purego

package gbdt

// gatherPairs sets dst[j] = src[rows[j]] for j < n, prefetching the pair
// of the row gatherDistance ahead: the rows in position order are
// scattered over the gradient array, and the out-of-order core alone
// keeps too few of these reads in flight.
//
//go:noescape
func gatherPairs(dst, src *gradPair, rows *uint32, n int)

// hasGatherKernel reports that gatherPairs is an assembly kernel.
const hasGatherKernel = true
