package xgboost

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// kind is the type of a decoded value of a model document.
type kind uint8

const (
	kNull kind = iota
	kBool
	kNum
	kStr
	kArr
	kObj
)

func (k kind) String() string {
	return [...]string{"null", "boolean", "number", "string", "array", "object"}[k]
}

// value is one node of a model document, decoded from JSON or UBJSON.
// A number keeps its float32 rounding as the file wrote it (f32): XGBoost
// writes float32 values, and a threshold must be the exact float32.
type value struct {
	kind kind
	num  float64
	f32  float32
	str  string
	arr  []value // the elements of an array holding anything but numbers
	// nums and f32s hold the elements of an array of numbers only,
	// compactly: model files are mostly such arrays.
	nums []float64
	f32s []float32
	obj  []member
}

// len returns the number of elements of an array.
func (v *value) len() int { return len(v.arr) + len(v.nums) }

// addElem appends e to the array v, keeping numbers compact while only
// numbers come.
func (v *value) addElem(e value) {
	if e.kind == kNum && len(v.arr) == 0 {
		v.nums = append(v.nums, e.num)
		v.f32s = append(v.f32s, e.f32)
		return
	}
	if len(v.nums) > 0 {
		v.arr = make([]value, len(v.nums), len(v.nums)+1)
		for i := range v.nums {
			v.arr[i] = value{kind: kNum, num: v.nums[i], f32: v.f32s[i]}
		}
		v.nums, v.f32s = nil, nil
	}
	v.arr = append(v.arr, e)
}

// elem returns element i of an array.
func (v *value) elem(i int) value {
	if v.nums != nil {
		return value{kind: kNum, num: v.nums[i], f32: v.f32s[i]}
	}
	return v.arr[i]
}

type member struct {
	key string
	val value
}

// get returns the member key of an object, or nil.
func (v *value) get(key string) *value {
	for i := range v.obj {
		if v.obj[i].key == key {
			return &v.obj[i].val
		}
	}
	return nil
}

// jsonParser parses the JSON that XGBoost writes: standard JSON plus the
// non-finite numbers NaN, Infinity and -Infinity. It limits nesting and
// the number of values, and reports errors with their byte offset.
type jsonParser struct {
	b      []byte
	i      int
	values int
	lim    *limits
}

// limits bound what a hostile document may make the parsers do.
type limits struct {
	depth  int // nesting of arrays and objects
	values int // values in the whole document
}

func parseJSON(b []byte, lim *limits) (value, error) {
	p := &jsonParser{b: b, lim: lim}
	v, err := p.value(0)
	if err != nil {
		return value{}, err
	}
	p.space()
	if p.i != len(p.b) {
		return value{}, p.errorf("trailing data after the document")
	}
	return v, nil
}

func (p *jsonParser) errorf(format string, args ...any) error {
	return &Error{Offset: int64(p.i), Msg: fmt.Sprintf(format, args...)}
}

func (p *jsonParser) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonParser) value(depth int) (value, error) {
	p.space()
	if p.i >= len(p.b) {
		return value{}, p.errorf("unexpected end of the document")
	}
	p.values++
	if p.values > p.lim.values {
		return value{}, p.errorf("more than %d values", p.lim.values)
	}
	switch c := p.b[p.i]; {
	case c == '{':
		if depth >= p.lim.depth {
			return value{}, p.errorf("nesting deeper than %d", p.lim.depth)
		}
		return p.object(depth + 1)
	case c == '[':
		if depth >= p.lim.depth {
			return value{}, p.errorf("nesting deeper than %d", p.lim.depth)
		}
		return p.array(depth + 1)
	case c == '"':
		s, err := p.string()
		return value{kind: kStr, str: s}, err
	case c == 't':
		return value{kind: kBool, num: 1}, p.literal("true")
	case c == 'f':
		return value{kind: kBool}, p.literal("false")
	case c == 'n':
		return value{kind: kNull}, p.literal("null")
	case c == 'N':
		return value{kind: kNum, num: math.NaN(), f32: float32(math.NaN())}, p.literal("NaN")
	case c == 'I':
		return value{kind: kNum, num: math.Inf(1), f32: float32(math.Inf(1))}, p.literal("Infinity")
	case c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9'):
		return p.number()
	default:
		return value{}, p.errorf("unexpected character %q", c)
	}
}

func (p *jsonParser) literal(s string) error {
	if !strings.HasPrefix(string(p.b[p.i:min(len(p.b), p.i+len(s))]), s) {
		return p.errorf("invalid literal, want %s", s)
	}
	p.i += len(s)
	return nil
}

func (p *jsonParser) number() (value, error) {
	start := p.i
	if p.i+9 <= len(p.b) && string(p.b[p.i:p.i+9]) == "-Infinity" {
		p.i += 9
		return value{kind: kNum, num: math.Inf(-1), f32: float32(math.Inf(-1))}, nil
	}
	for p.i < len(p.b) {
		c := p.b[p.i]
		if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			p.i++
			continue
		}
		break
	}
	s := string(p.b[start:p.i])
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !isRange(err) {
		p.i = start
		return value{}, p.errorf("invalid number %q", s)
	}
	f32, err := strconv.ParseFloat(s, 32)
	if err != nil && !isRange(err) {
		p.i = start
		return value{}, p.errorf("invalid number %q", s)
	}
	return value{kind: kNum, num: f, f32: float32(f32)}, nil
}

func isRange(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func (p *jsonParser) string() (string, error) {
	p.i++ // opening quote
	start := p.i
	plain := true
	for p.i < len(p.b) {
		switch c := p.b[p.i]; {
		case c == '"':
			raw := p.b[start:p.i]
			p.i++
			if plain {
				return string(raw), nil
			}
			s, err := strconv.Unquote(`"` + string(raw) + `"`)
			if err != nil {
				p.i = start
				return "", p.errorf("invalid string escape")
			}
			return s, nil
		case c == '\\':
			plain = false
			p.i += 2
		case c < 0x20:
			return "", p.errorf("control character %q in a string", c)
		default:
			p.i++
		}
	}
	return "", p.errorf("unterminated string")
}

func (p *jsonParser) array(depth int) (value, error) {
	p.i++
	v := value{kind: kArr}
	p.space()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		return v, nil
	}
	for {
		e, err := p.value(depth)
		if err != nil {
			return value{}, err
		}
		v.addElem(e)
		p.space()
		if p.i >= len(p.b) {
			return value{}, p.errorf("unterminated array")
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return v, nil
		default:
			return value{}, p.errorf("unexpected character %q in an array", p.b[p.i])
		}
	}
}

func (p *jsonParser) object(depth int) (value, error) {
	p.i++
	v := value{kind: kObj}
	p.space()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		return v, nil
	}
	for {
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			return value{}, p.errorf("want a quoted member name")
		}
		key, err := p.string()
		if err != nil {
			return value{}, err
		}
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != ':' {
			return value{}, p.errorf("want ':' after member %q", key)
		}
		p.i++
		e, err := p.value(depth)
		if err != nil {
			return value{}, err
		}
		v.obj = append(v.obj, member{key, e})
		p.space()
		if p.i >= len(p.b) {
			return value{}, p.errorf("unterminated object")
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return v, nil
		default:
			return value{}, p.errorf("unexpected character %q in an object", p.b[p.i])
		}
	}
}
