package contract

import "regexp/syntax"

// asciiPattern matches ASCII strings against a regex check whose pattern
// is a run of single-character items (literal characters, character
// classes, '.') each repeated a fixed number of times, the last one
// possibly a range of times: codes such as `^ch[0-9]{2}$`,
// `[A-Z]{2}\d{4}` or `[a-z_]+`. It answers what regexp answers for the
// anchored pattern, without regexp's machinery, which costs some hundred
// nanoseconds per value on the serving path (CheckRow). Strings with a
// byte outside ASCII are left to regexp.
type asciiPattern struct {
	items []patItem
}

// patItem is one character class over ASCII, matched min to max times
// (max −1: no bound); only the last item of a pattern has min < max.
type patItem struct {
	set      [2]uint64 // bit c: ASCII character c is in the class
	min, max int
}

// maxPatRepeat bounds the fixed repeat counts compiled (regexp itself
// refuses counts past 1000).
const maxPatRepeat = 1000

// compilePattern returns the asciiPattern of a regex check's pattern, or
// nil when the pattern has another shape (alternation, groups repeated,
// case folding, line anchors, a variable repeat before the end...), which
// regexp then matches alone.
func compilePattern(pattern string) *asciiPattern {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	for re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	var subs []*syntax.Regexp
	switch re.Op {
	case syntax.OpConcat:
		subs = re.Sub
	case syntax.OpEmptyMatch:
	default:
		subs = []*syntax.Regexp{re}
	}
	// Leading \A and trailing \z are implied: the check anchors the
	// pattern at both ends.
	for len(subs) > 0 && subs[0].Op == syntax.OpBeginText {
		subs = subs[1:]
	}
	for len(subs) > 0 && subs[len(subs)-1].Op == syntax.OpEndText {
		subs = subs[:len(subs)-1]
	}
	p := &asciiPattern{}
	for _, sub := range subs {
		if !p.add(sub) {
			return nil
		}
	}
	for i, it := range p.items {
		if it.min != it.max && i != len(p.items)-1 {
			return nil
		}
	}
	return p
}

// add appends the items of sub, reporting whether sub has a shape the
// pattern supports.
func (p *asciiPattern) add(sub *syntax.Regexp) bool {
	for sub.Op == syntax.OpCapture {
		sub = sub.Sub[0]
	}
	if sub.Op == syntax.OpLiteral {
		if sub.Flags&syntax.FoldCase != 0 {
			return false
		}
		for _, r := range sub.Rune {
			p.items = append(p.items, patItem{set: runeSet(r, r), min: 1, max: 1})
		}
		return true
	}
	min, max := 1, 1
	switch sub.Op {
	case syntax.OpStar:
		min, max = 0, -1
	case syntax.OpPlus:
		min, max = 1, -1
	case syntax.OpQuest:
		min, max = 0, 1
	case syntax.OpRepeat:
		min, max = sub.Min, sub.Max
	}
	switch sub.Op {
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		// Greediness does not change whether a whole string matches.
		if min > maxPatRepeat || max > maxPatRepeat {
			return false
		}
		sub = sub.Sub[0]
		for sub.Op == syntax.OpCapture {
			sub = sub.Sub[0]
		}
	}
	set, ok := charSet(sub)
	if !ok {
		return false
	}
	p.items = append(p.items, patItem{set: set, min: min, max: max})
	return true
}

// charSet returns the ASCII characters that the one-character regexp sub
// matches, or false when sub is not one character.
func charSet(sub *syntax.Regexp) (set [2]uint64, ok bool) {
	switch sub.Op {
	case syntax.OpLiteral:
		if len(sub.Rune) != 1 || sub.Flags&syntax.FoldCase != 0 {
			return set, false
		}
		return runeSet(sub.Rune[0], sub.Rune[0]), true
	case syntax.OpCharClass:
		for i := 0; i+1 < len(sub.Rune); i += 2 {
			s := runeSet(sub.Rune[i], sub.Rune[i+1])
			set[0] |= s[0]
			set[1] |= s[1]
		}
		return set, true
	case syntax.OpAnyCharNotNL:
		return [2]uint64{^uint64(1 << '\n'), ^uint64(0)}, true
	case syntax.OpAnyChar:
		return [2]uint64{^uint64(0), ^uint64(0)}, true
	}
	return set, false
}

// runeSet is the set of the ASCII characters from lo to hi.
func runeSet(lo, hi rune) (set [2]uint64) {
	hi = min(hi, 127)
	for c := lo; c <= hi; c++ {
		set[c>>6] |= 1 << (c & 63)
	}
	return set
}

// match reports whether s matches the pattern; done is false when s has a
// byte outside ASCII, which the caller leaves to regexp.
func (p *asciiPattern) match(s string) (ok, done bool) {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false, false
		}
	}
	i := 0
	for k := range p.items {
		it := &p.items[k]
		n := it.min
		if k == len(p.items)-1 {
			n = len(s) - i
			if n < it.min || it.max >= 0 && n > it.max {
				return false, true
			}
		}
		if n > len(s)-i {
			return false, true
		}
		for _, c := range []byte(s[i : i+n]) {
			if it.set[c>>6]>>(c&63)&1 == 0 {
				return false, true
			}
		}
		i += n
	}
	return i == len(s), true
}
