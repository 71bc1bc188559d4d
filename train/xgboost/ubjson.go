package xgboost

import (
	"encoding/binary"
	"fmt"
	"math"
)

// ubjParser parses the UBJSON form of XGBoost models (save_model("x.ubj")):
// big-endian, with the optimized containers ($ type, # count) XGBoost
// writes for its arrays. Like the JSON parser it bounds nesting and the
// number of values and reports the byte offset of an error.
type ubjParser struct {
	b      []byte
	i      int
	values int
	lim    *limits
}

func parseUBJSON(b []byte, lim *limits) (value, error) {
	p := &ubjParser{b: b, lim: lim}
	v, err := p.value(0, 0)
	if err != nil {
		return value{}, err
	}
	if p.i != len(p.b) {
		return value{}, p.errorf("trailing data after the document")
	}
	return v, nil
}

func (p *ubjParser) errorf(format string, args ...any) error {
	return &Error{Offset: int64(p.i), Msg: fmt.Sprintf(format, args...)}
}

func (p *ubjParser) take(n int) ([]byte, error) {
	if n < 0 || n > len(p.b)-p.i {
		return nil, p.errorf("unexpected end of the document")
	}
	out := p.b[p.i : p.i+n]
	p.i += n
	return out, nil
}

func (p *ubjParser) marker() (byte, error) {
	for {
		c, err := p.take(1)
		if err != nil {
			return 0, err
		}
		if c[0] != 'N' { // no-op
			return c[0], nil
		}
	}
}

// length reads an integer value used as a length or count.
func (p *ubjParser) length() (int, error) {
	m, err := p.marker()
	if err != nil {
		return 0, err
	}
	v, err := p.scalar(m)
	if err != nil {
		return 0, err
	}
	if v.kind != kNum || v.num != math.Trunc(v.num) || v.num < 0 || v.num > float64(len(p.b)) {
		return 0, p.errorf("invalid length")
	}
	return int(v.num), nil
}

func (p *ubjParser) count() error {
	p.values++
	if p.values > p.lim.values {
		return p.errorf("more than %d values", p.lim.values)
	}
	return nil
}

// scalar reads the value of a non-container type marker m.
func (p *ubjParser) scalar(m byte) (value, error) {
	be := binary.BigEndian
	num := func(n int, conv func([]byte) float64) (value, error) {
		b, err := p.take(n)
		if err != nil {
			return value{}, err
		}
		f := conv(b)
		return value{kind: kNum, num: f, f32: float32(f)}, nil
	}
	switch m {
	case 'Z':
		return value{kind: kNull}, nil
	case 'T':
		return value{kind: kBool, num: 1}, nil
	case 'F':
		return value{kind: kBool}, nil
	case 'i':
		return num(1, func(b []byte) float64 { return float64(int8(b[0])) })
	case 'U':
		return num(1, func(b []byte) float64 { return float64(b[0]) })
	case 'I':
		return num(2, func(b []byte) float64 { return float64(int16(be.Uint16(b))) })
	case 'l':
		return num(4, func(b []byte) float64 { return float64(int32(be.Uint32(b))) })
	case 'L':
		return num(8, func(b []byte) float64 { return float64(int64(be.Uint64(b))) })
	case 'd':
		b, err := p.take(4)
		if err != nil {
			return value{}, err
		}
		f := math.Float32frombits(be.Uint32(b))
		return value{kind: kNum, num: float64(f), f32: f}, nil
	case 'D':
		return num(8, func(b []byte) float64 { return math.Float64frombits(be.Uint64(b)) })
	case 'C':
		b, err := p.take(1)
		if err != nil {
			return value{}, err
		}
		return value{kind: kStr, str: string(b)}, nil
	case 'S', 'H':
		n, err := p.length()
		if err != nil {
			return value{}, err
		}
		b, err := p.take(n)
		if err != nil {
			return value{}, err
		}
		return value{kind: kStr, str: string(b)}, nil
	}
	p.i--
	return value{}, p.errorf("unknown type marker %q", m)
}

// value reads one value; m is its marker when already read (0: read it).
func (p *ubjParser) value(m byte, depth int) (value, error) {
	if m == 0 {
		var err error
		if m, err = p.marker(); err != nil {
			return value{}, err
		}
	}
	if err := p.count(); err != nil {
		return value{}, err
	}
	switch m {
	case '[', '{':
		if depth >= p.lim.depth {
			return value{}, p.errorf("nesting deeper than %d", p.lim.depth)
		}
		return p.container(m == '{', depth+1)
	}
	return p.scalar(m)
}

func (p *ubjParser) container(isObj bool, depth int) (value, error) {
	v := value{kind: kArr}
	if isObj {
		v.kind = kObj
	}
	var typ byte
	n := -1
	if p.i < len(p.b) && p.b[p.i] == '$' {
		p.i++
		t, err := p.take(1)
		if err != nil {
			return value{}, err
		}
		typ = t[0]
		if p.i >= len(p.b) || p.b[p.i] != '#' {
			return value{}, p.errorf("a typed container without a count")
		}
	}
	if p.i < len(p.b) && p.b[p.i] == '#' {
		p.i++
		var err error
		if n, err = p.length(); err != nil {
			return value{}, err
		}
		if n > p.lim.values-p.values {
			return value{}, p.errorf("a container of %d values, more than the limit allows", n)
		}
	}
	for k := 0; n < 0 || k < n; k++ {
		if n < 0 {
			if p.i >= len(p.b) {
				return value{}, p.errorf("unterminated container")
			}
			if (isObj && p.b[p.i] == '}') || (!isObj && p.b[p.i] == ']') {
				p.i++
				return v, nil
			}
		}
		var key string
		if isObj {
			kn, err := p.length()
			if err != nil {
				return value{}, err
			}
			kb, err := p.take(kn)
			if err != nil {
				return value{}, err
			}
			key = string(kb)
		}
		e, err := p.value(typ, depth)
		if err != nil {
			return value{}, err
		}
		if isObj {
			v.obj = append(v.obj, member{key, e})
		} else {
			v.addElem(e)
		}
	}
	return v, nil
}
