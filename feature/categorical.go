package feature

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
)

// Unknown says what an encoder does with a category not seen in training.
type Unknown uint8

const (
	// UnknownError makes an unknown category an ErrUnknownCategory error
	// (scikit-learn's default, handle_unknown="error").
	UnknownError Unknown = iota
	// UnknownIgnore encodes an unknown category as all zeros (one-hot), or
	// as the infrequent column when the one-hot encoder has one
	// (scikit-learn's handle_unknown="infrequent_if_exist"); for Ordinal it
	// gives OrdinalOptions.UnknownValue.
	UnknownIgnore
)

// String returns the policy's name as used in encoded state.
func (u Unknown) String() string {
	switch u {
	case UnknownIgnore:
		return "ignore"
	case UnknownError:
		return "error"
	}
	return "Unknown(" + strconv.Itoa(int(u)) + ")"
}

// Names used in output column names for the special categories.
const (
	MissingCategory    = "<missing>"    // one-hot column of the missing value
	InfrequentCategory = "<infrequent>" // one-hot column of the infrequent categories
)

// CatTransform is one step of a categorical feature: an optional imputer
// (CatImpute, CatImputeConstant) followed by exactly one encoder (OneHot,
// Ordinal, Hash). The zero value is not valid.
type CatTransform struct{ op catOp }

type catKind uint8

const (
	catImpute catKind = iota + 1
	catOneHot
	catOrdinal
	catHash
	catTarget
)

var catNames = [...]string{catImpute: "impute", catOneHot: "onehot", catOrdinal: "ordinal", catHash: "hash", catTarget: "target"}

// catOp is a categorical transform, configuration and fitted state.
type catOp struct {
	kind catKind
	// configuration
	strategy     ImputeStrategy
	fill         string
	unknown      Unknown
	unknownValue float64
	minFreq      int64
	maxCats      int
	buckets      int
	folds        int     // target: cross-fitting folds
	smooth       float64 // target: smoothing weight m
	seed         uint64  // target: fold seed
	// fitted state
	cats       []string              // frequent categories, sorted (one-hot, ordinal)
	infrequent []string              // infrequent categories, sorted (one-hot)
	hasMissing bool                  // one-hot: the missing value has its own column
	index      map[string]int32      // category -> column (one-hot) or code (ordinal)
	keys       []string              // for small vocabularies: the categories of index...
	cols       []int32               // ...and their columns, scanned instead of hashing
	tab        perfectTab            // for small vocabularies: a collision-free table
	n          int64                 // values seen in fitting
	values     []float64             // target: encoding of each of cats
	prior      float64               // target: mean label, for unknown and missing
	byCat      map[string]*foldStats // target, Fit only: per-fold label statistics
	all        *foldStats            // target, Fit only: per-fold totals
}

func (o *catOp) name() string { return catNames[o.kind] }

// OneHotOptions configures OneHot; the zero value means scikit-learn's
// defaults (unknown categories are an error, no infrequent grouping).
type OneHotOptions struct {
	// Unknown is the policy for categories not seen in training.
	Unknown Unknown
	// MinFrequency folds categories seen fewer than this many times in
	// training into one InfrequentCategory column (min_frequency as an
	// integer); 0 or 1 disables it.
	MinFrequency int
	// MaxCategories caps the output columns of the non-missing categories,
	// the infrequent column included (max_categories): the least frequent
	// ones (ties: first in sorted order) are folded; 0 disables it.
	MaxCategories int
}

// OneHot encodes a category as one column per training category, in sorted
// byte order, named NAME=VALUE, as OneHotEncoder. A missing value seen in
// training gets its own column, NAME=<missing>, after the categories (as
// scikit-learn places NaN last); infrequent categories share one column,
// NAME=<infrequent>, placed last.
func OneHot(opts OneHotOptions) CatTransform {
	if opts.MinFrequency < 0 || opts.MaxCategories < 0 || opts.MaxCategories == 1 {
		panic(fmt.Sprintf("feature: OneHot needs MinFrequency >= 0 and MaxCategories 0 or >= 2, got %+v", opts))
	}
	return CatTransform{catOp{kind: catOneHot, unknown: opts.Unknown, minFreq: int64(opts.MinFrequency), maxCats: opts.MaxCategories}}
}

// OrdinalOptions configures Ordinal; the zero value makes unknown
// categories an error.
type OrdinalOptions struct {
	// Unknown is the policy for categories not seen in training; with
	// UnknownIgnore they are encoded as UnknownValue.
	Unknown Unknown
	// UnknownValue is the code of unknown categories under UnknownIgnore
	// (scikit-learn's unknown_value, often -1).
	UnknownValue float64
}

// Ordinal encodes a category as its index (0, 1, ...) among the training
// categories in sorted byte order, in one column named NAME, as
// OrdinalEncoder. Unknown categories follow opts; a missing value is an
// ErrMissing error unless the chain imputes it. Note that the zero
// OrdinalOptions makes unknown categories an error, as scikit-learn does.
func Ordinal(opts OrdinalOptions) CatTransform {
	if opts.Unknown == UnknownIgnore && (opts.UnknownValue != opts.UnknownValue) {
		panic(fmt.Sprintf("feature: Ordinal needs a non-NaN UnknownValue, got %v", opts.UnknownValue))
	}
	return CatTransform{catOp{kind: catOrdinal, unknown: opts.Unknown, unknownValue: opts.UnknownValue}}
}

// Hash encodes a category as a one-hot vector over n buckets chosen by the
// 64-bit FNV-1a hash of its bytes, columns named NAME#0 to NAME#(n-1). It is
// stateless, so unknown categories need no policy; a missing value is an
// ErrMissing error unless the chain imputes it.
func Hash(n int) CatTransform {
	if n < 1 || n > 1<<20 {
		panic(fmt.Sprintf("feature: Hash needs 1 to 1048576 buckets, got %d", n))
	}
	return CatTransform{catOp{kind: catHash, buckets: n}}
}

// CatImpute replaces a missing category by the most frequent training
// category (ties: first in byte order); strategy must be MostFrequent.
func CatImpute(strategy ImputeStrategy) CatTransform {
	if strategy != MostFrequent {
		panic(fmt.Sprintf("feature: CatImpute needs MostFrequent (CatImputeConstant for a constant), got %v", strategy))
	}
	return CatTransform{catOp{kind: catImpute, strategy: MostFrequent}}
}

// CatImputeConstant replaces a missing category by fill.
func CatImputeConstant(fill string) CatTransform {
	return CatTransform{catOp{kind: catImpute, strategy: Constant, fill: fill}}
}

// catAcc counts categories; it is mergeable by addition.
type catAcc struct {
	counts  map[string]int64
	missing int64
	// target encoding: label statistics per fold
	folds int
	byCat map[string]*foldStats
	miss  *foldStats
	all   *foldStats
}

func (a *catAcc) merge(b *catAcc) {
	for k, c := range b.counts {
		a.counts[k] += c
	}
	a.missing += b.missing
	if a.folds == 0 {
		return
	}
	for k, st := range b.byCat {
		if mine := a.byCat[k]; mine != nil {
			mine.merge(st)
		} else {
			cp := newFoldStats(a.folds)
			cp.merge(st)
			a.byCat[k] = cp
		}
	}
	a.miss.merge(b.miss)
	a.all.merge(b.all)
}

// fitImpute sets the imputer's fill value.
func (o *catOp) fitImpute(a *catAcc) {
	o.n = a.missing
	if o.strategy != MostFrequent {
		return
	}
	best, bestN := "", int64(-1)
	for k, c := range a.counts {
		if c > bestN || (c == bestN && k < best) {
			best, bestN = k, c
		}
	}
	o.fill = best
}

// fitEncoder sets an encoder's vocabulary from counts (after imputation).
func (o *catOp) fitEncoder(counts map[string]int64, missing int64) {
	if o.kind == catHash {
		return
	}
	cats := make([]string, 0, len(counts))
	var n int64
	for k, c := range counts {
		cats = append(cats, k)
		n += c
	}
	o.n = n + missing
	slices.Sort(cats)
	o.index = make(map[string]int32, len(cats))
	if o.kind == catOrdinal {
		o.cats = cats
		for i, c := range cats {
			o.index[c] = int32(i)
		}
		return
	}
	// one-hot, with scikit-learn's _identify_infrequent.
	infreq := make([]bool, len(cats))
	nInf := 0
	if o.minFreq > 1 {
		for i, c := range cats {
			if counts[c] < o.minFreq {
				infreq[i] = true
				nInf++
			}
		}
	}
	if o.maxCats > 0 && o.maxCats < len(cats)-nInf+1 {
		order := make([]int, len(cats))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(x, y int) int { return cmp.Compare(counts[cats[x]], counts[cats[y]]) })
		for _, i := range order[:len(cats)-o.maxCats+1] {
			infreq[i] = true
		}
	}
	o.cats, o.infrequent = nil, nil
	for i, c := range cats {
		if infreq[i] {
			o.infrequent = append(o.infrequent, c)
		} else {
			o.cats = append(o.cats, c)
		}
	}
	o.hasMissing = missing > 0
	o.buildIndex()
}

// width returns the encoder's output width.
func (o *catOp) width() int {
	switch o.kind {
	case catOrdinal, catTarget:
		return 1
	case catHash:
		return o.buckets
	}
	w := len(o.cats)
	if o.hasMissing {
		w++
	}
	if len(o.infrequent) > 0 {
		w++
	}
	return w
}

// buildIndex fills index from cats and infrequent (one-hot and ordinal).
func (o *catOp) buildIndex() {
	o.index = make(map[string]int32, len(o.cats)+len(o.infrequent))
	for i, c := range o.cats {
		o.index[c] = int32(i)
	}
	if o.kind == catOneHot {
		inf := int32(o.width() - 1)
		for _, c := range o.infrequent {
			o.index[c] = inf
		}
	}
	o.keys, o.cols = nil, nil
	if len(o.index) <= smallVocab {
		for _, c := range append(append([]string(nil), o.cats...), o.infrequent...) {
			o.keys = append(o.keys, c)
			o.cols = append(o.cols, o.index[c])
		}
	}
	o.tab.build(o.index)
}

// smallVocab is the vocabulary size up to which a linear scan (comparing
// length and last byte first) beats hashing the string; it is the fallback
// for vocabularies the perfect table cannot separate.
const smallVocab = 16

// lookup returns the column or code of category s.
func (o *catOp) lookup(s string) (int32, bool) {
	if o.tab.cols != nil {
		return o.tab.lookup(s)
	}
	if o.keys == nil {
		i, ok := o.index[s]
		return i, ok
	}
	n := len(s)
	if n == 0 {
		for i, k := range o.keys {
			if k == "" {
				return o.cols[i], true
			}
		}
		return 0, false
	}
	last := s[n-1]
	for i, k := range o.keys {
		if len(k) == n && k[n-1] == last && k == s {
			return o.cols[i], true
		}
	}
	return 0, false
}

// perfectTab is a collision-free hash table over a small vocabulary: a
// category's slot is a multiplicative hash of its length and five of its
// bytes (first two, middle, last two), so a lookup is a few byte loads, a
// multiplication and one string comparison. build looks for a multiplier
// and size that separate every category, deterministically; when none does
// (two categories agree on all those bytes) the table stays empty and
// lookup falls back to a scan or the map. It is derived from the
// vocabulary, never encoded.
type perfectTab struct {
	mul   uint64
	shift uint8
	keys  []string // per slot: its category,
	hkeys []uint64 // its perfectKey,
	cols  []int32  // and its column, -1 for an empty slot
}

// maxPerfect is the largest vocabulary given a perfect table.
const maxPerfect = 64

// keyBytes is the longest string that perfectKey captures whole.
const keyBytes = 5

// perfectKey packs the length and five bytes of s into one word; for
// strings of up to keyBytes bytes these are all of its bytes, so equal keys
// mean equal strings.
func perfectKey(s string) uint64 {
	n := len(s)
	if n == 0 {
		return 0
	}
	k := uint64(n) | uint64(s[0])<<16 | uint64(s[n-1])<<24 | uint64(s[n>>1])<<32
	if n > 1 {
		k |= uint64(s[1])<<40 | uint64(s[n-2])<<48
	}
	return k
}

func (t *perfectTab) build(index map[string]int32) {
	*t = perfectTab{}
	n := len(index)
	if n == 0 || n > maxPerfect {
		return
	}
	bits := uint8(1)
	for 1<<bits < 2*n {
		bits++
	}
	keys := make([]uint64, 0, n)
	for s := range index {
		keys = append(keys, perfectKey(s))
	}
	seen := make(map[uint64]bool, n)
	for _, k := range keys {
		if seen[k] {
			return // indistinguishable by the sampled bytes
		}
		seen[k] = true
	}
	used := make([]bool, 1<<(bits+4))
	state := uint64(0x9e3779b97f4a7c15)
	for ; bits <= 12; bits++ {
		for try := 0; try < 64; try++ {
			// splitmix64: a fixed sequence of odd multipliers
			state += 0x9e3779b97f4a7c15
			mul := state
			mul = (mul ^ mul>>30) * 0xbf58476d1ce4e5b9
			mul = (mul ^ mul>>27) * 0x94d049bb133111eb
			mul = (mul ^ mul>>31) | 1
			shift := 64 - bits
			slots := used[:1<<bits]
			clear(slots)
			ok := true
			for _, k := range keys {
				j := (k * mul) >> shift
				if slots[j] {
					ok = false
					break
				}
				slots[j] = true
			}
			if !ok {
				continue
			}
			t.mul, t.shift = mul, shift
			t.keys = make([]string, 1<<bits)
			t.hkeys = make([]uint64, 1<<bits)
			t.cols = make([]int32, 1<<bits)
			for j := range t.cols {
				t.cols[j] = -1
			}
			for s, c := range index {
				k := perfectKey(s)
				j := (k * mul) >> shift
				t.keys[j], t.hkeys[j], t.cols[j] = s, k, c
			}
			return
		}
		if len(used) < 1<<(bits+1) {
			used = make([]bool, 1<<(bits+1))
		}
	}
}

func (t *perfectTab) lookup(s string) (int32, bool) {
	k := perfectKey(s)
	j := (k * t.mul) >> t.shift
	if c := t.cols[j]; c >= 0 && t.hkeys[j] == k && (len(s) <= keyBytes || t.keys[j] == s) {
		return c, true
	}
	return 0, false
}

// fnv1a is the 64-bit FNV-1a hash.
func fnv1a(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}
