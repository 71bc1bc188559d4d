package contract

import (
	"fmt"
	"slices"
	"strings"
)

// Change is one difference between two versions of a contract. Breaking
// changes can reject data the old version accepted.
type Change struct {
	Field    string `json:"field,omitempty"`
	Breaking bool   `json:"breaking"`
	Detail   string `json:"detail"`
}

// String returns "BREAKING field: detail" or "compatible field: detail".
func (c Change) String() string {
	k := "compatible"
	if c.Breaking {
		k = "BREAKING"
	}
	if c.Field == "" {
		return k + ": " + c.Detail
	}
	return k + " " + c.Field + ": " + c.Detail
}

// Diff is the list of changes from one contract version to another.
type Diff []Change

// Breaking reports whether any change is breaking.
func (d Diff) Breaking() bool {
	return slices.ContainsFunc(d, func(c Change) bool { return c.Breaking })
}

// String lists the changes, one per line.
func (d Diff) String() string {
	var b strings.Builder
	for _, c := range d {
		b.WriteString(c.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// Compare lists the changes from old to new. Breaking: a removed field, an
// added non-nullable field, a narrowed or changed type (widening int to
// float and category to string are compatible), nullable becoming required,
// a tighter range, allowed set, length or not-null ratio, a new check, a
// warning becoming an error, a changed pattern, a tighter dataset check.
// Compatible: the reverse of each, and added nullable fields.
func Compare(old, new *Contract) Diff {
	var d Diff
	add := func(field string, breaking bool, format string, args ...any) {
		d = append(d, Change{Field: field, Breaking: breaking, Detail: fmt.Sprintf(format, args...)})
	}
	for _, of := range old.Fields {
		nf := new.Field(of.Name)
		if nf == nil {
			add(of.Name, true, "field removed")
			continue
		}
		if of.Type != nf.Type {
			widen := (of.Type == Int && nf.Type == Float) || (of.Type == Category && nf.Type == String)
			add(of.Name, !widen, "type %s → %s", of.Type, nf.Type)
		}
		if of.Nullable != nf.Nullable {
			if nf.Nullable {
				add(of.Name, false, "now nullable")
			} else {
				add(of.Name, true, "nullable → required")
			}
		}
		compareChecks(of.Name, of.Checks, nf.Checks, add)
	}
	for _, nf := range new.Fields {
		if old.Field(nf.Name) == nil {
			add(nf.Name, !nf.Nullable, "field added (%s, nullable %v)", nf.Type, nf.Nullable)
		}
	}
	compareDataset(old.Dataset, new.Dataset, add)
	return d
}

type addFunc func(field string, breaking bool, format string, args ...any)

func findCheck(cs []Check, kind string, used []bool) int {
	for i := range cs {
		if !used[i] && cs[i].Kind == kind {
			return i
		}
	}
	return -1
}

func compareChecks(field string, old, new []Check, add addFunc) {
	used := make([]bool, len(new))
	for _, oc := range old {
		j := findCheck(new, oc.Kind, used)
		if j < 0 {
			add(field, false, "check removed: %s", describe(&oc))
			continue
		}
		used[j] = true
		nc := new[j]
		if oc.Severity != nc.Severity {
			add(field, nc.Severity == Error, "%s severity %s → %s", oc.Kind, oc.Severity, nc.Severity)
		}
		od, nd := describe(&oc), describe(&nc)
		if od == nd {
			continue
		}
		add(field, tighter(&oc, &nc), "%s → %s", od, nd)
	}
	for j, nc := range new {
		if !used[j] {
			add(field, nc.Severity == Error, "check added: %s", describe(&nc))
		}
	}
}

// tighter reports whether the new check may reject a value the old one
// accepted.
func tighter(o, n *Check) bool {
	switch o.Kind {
	case KindRange:
		return lowerTighter(o.Min, n.Min, o.MinExclusive, n.MinExclusive) || upperTighter(o.Max, n.Max, o.MaxExclusive, n.MaxExclusive)
	case KindSet:
		for _, v := range o.Values {
			if !slices.Contains(n.Values, v) {
				return true
			}
		}
		return false
	case KindLength:
		oMin, nMin := 0, 0
		if o.MinLen != nil {
			oMin = *o.MinLen
		}
		if n.MinLen != nil {
			nMin = *n.MinLen
		}
		if nMin > oMin {
			return true
		}
		return n.MaxLen != nil && (o.MaxLen == nil || *n.MaxLen < *o.MaxLen)
	case KindNotNullRatio:
		return n.Ratio > o.Ratio
	case KindMonotonic:
		return n.Strict && !o.Strict
	}
	return true // a changed pattern or predicate: cannot tell
}

func lowerTighter(o, n *float64, oEx, nEx bool) bool {
	if n == nil {
		return false
	}
	if o == nil || *n > *o {
		return true
	}
	return *n == *o && nEx && !oEx
}

func upperTighter(o, n *float64, oEx, nEx bool) bool {
	if n == nil {
		return false
	}
	if o == nil || *n < *o {
		return true
	}
	return *n == *o && nEx && !oEx
}

func compareDataset(old, new []DatasetCheck, add addFunc) {
	key := func(c DatasetCheck) string { return c.Kind + "/" + c.Field }
	used := make([]bool, len(new))
	for _, oc := range old {
		j := slices.IndexFunc(new, func(c DatasetCheck) bool { return key(c) == key(oc) })
		if j < 0 {
			add(oc.Field, false, "dataset check removed: %s", describeDataset(oc))
			continue
		}
		used[j] = true
		nc := new[j]
		if oc.Severity != nc.Severity {
			add(oc.Field, nc.Severity == Error, "%s severity %s → %s", oc.Kind, oc.Severity, nc.Severity)
		}
		od, nd := describeDataset(oc), describeDataset(nc)
		if od == nd {
			continue
		}
		t := lowerTighter(oc.Min, nc.Min, false, false) || upperTighter(oc.Max, nc.Max, false, false) ||
			nc.Ratio > oc.Ratio || nc.MaxAge < oc.MaxAge
		add(oc.Field, t, "%s → %s", od, nd)
	}
	for j, nc := range new {
		if !used[j] {
			add(nc.Field, nc.Severity == Error, "dataset check added: %s", describeDataset(nc))
		}
	}
}
