package rowmap

import (
	"time"
	"unsafe"
)

const arenaChunk = 1024

// Arena hands out the pointees of pointer fields from slabs of 1024 values,
// so decoding a nullable column costs one allocation per 1024 present values
// instead of one per value. The zero value is ready to use; a nil *Arena
// allocates each pointee on its own. An Arena is not safe for concurrent
// use. A decoded row keeps its pointees' slab alive.
type Arena struct {
	f64 []float64
	i64 []int64
	in  []int
	str []string
	bl  []bool
	tm  []time.Time
	// text is the current block of String; its bytes up to len are
	// referenced by strings and never written again.
	text []byte
}

func take[V any](s *[]V) unsafe.Pointer {
	if len(*s) == 0 {
		*s = make([]V, arenaChunk)
	}
	q := unsafe.Pointer(&(*s)[0])
	*s = (*s)[1:]
	return q
}

func (a *Arena) alloc(s store) unsafe.Pointer {
	if a != nil {
		switch s {
		case sFloat64:
			return take(&a.f64)
		case sInt64:
			return take(&a.i64)
		case sInt:
			return take(&a.in)
		case sString:
			return take(&a.str)
		case sBool:
			return take(&a.bl)
		case sTime:
			return take(&a.tm)
		}
	}
	switch s {
	case sBool:
		return unsafe.Pointer(new(bool))
	case sInt:
		return unsafe.Pointer(new(int))
	case sInt8:
		return unsafe.Pointer(new(int8))
	case sInt16:
		return unsafe.Pointer(new(int16))
	case sInt32:
		return unsafe.Pointer(new(int32))
	case sInt64:
		return unsafe.Pointer(new(int64))
	case sUint8:
		return unsafe.Pointer(new(uint8))
	case sUint16:
		return unsafe.Pointer(new(uint16))
	case sUint32:
		return unsafe.Pointer(new(uint32))
	case sFloat32:
		return unsafe.Pointer(new(float32))
	case sFloat64:
		return unsafe.Pointer(new(float64))
	case sString:
		return unsafe.Pointer(new(string))
	case sTime:
		return unsafe.Pointer(new(time.Time))
	}
	panic("rowmap: unknown storage")
}
