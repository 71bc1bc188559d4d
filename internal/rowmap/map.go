package rowmap

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"
)

// Type is the Loom type of a field.
type Type uint8

// Loom types.
const (
	Bool Type = iota + 1
	Int
	Float
	String
	Timestamp
	Category
)

var typeNames = [...]string{Bool: "bool", Int: "int", Float: "float", String: "string", Timestamp: "timestamp", Category: "category"}

// String returns the type's name as it appears in contracts: "bool", "int",
// "float", "string", "timestamp" or "category".
func (t Type) String() string {
	if int(t) < len(typeNames) && typeNames[t] != "" {
		return typeNames[t]
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// ParseType returns the Type named s, or false.
func ParseType(s string) (Type, bool) {
	for i, n := range typeNames {
		if n != "" && n == s {
			return Type(i), true
		}
	}
	return 0, false
}

// Kind is how a field stores its value, which decides the getters and
// setters that apply to it.
type Kind uint8

// Storage kinds.
const (
	KindBool Kind = iota + 1
	KindInt
	KindFloat
	KindString
	KindTime
)

// store is the exact Go storage of a value.
type store uint8

const (
	sBool store = iota + 1
	sInt
	sInt8
	sInt16
	sInt32
	sInt64
	sUint8
	sUint16
	sUint32
	sFloat32
	sFloat64
	sString
	sTime
)

// null is how a field represents a missing value.
type null uint8

const (
	nNone null = iota // not nullable
	nPtr              // *V, nil means missing
	nSQL              // sql.NullX or sql.Null[V]: Valid == false means missing
)

// Field describes one bound field.
type Field struct {
	Name     string // the column name from the loom tag
	GoName   string // the struct field's name (dotted for embedded structs)
	Type     Type   // the Loom type
	Kind     Kind   // the storage kind
	Nullable bool   // a pointer or sql.Null* field

	off   uintptr // offset of the field in T
	valid uintptr // offset of Valid inside a sql.Null* field
	st    store
	nl    null
}

// Map is the mapping between the struct type T and its named fields. Build
// it with Of.
type Map[T any] struct {
	fields []Field
	index  map[string]int
}

var cache sync.Map // reflect.Type -> *Map[T] or error

// Of returns the Map of the struct type T, built on first use and cached.
// It reports an error when T is not a struct, has no tagged field, or has a
// tagged field of an unsupported type, a duplicate name or an unexported
// tagged field.
func Of[T any]() (*Map[T], error) {
	rt := reflect.TypeFor[T]()
	if v, ok := cache.Load(rt); ok {
		if err, isErr := v.(error); isErr {
			return nil, err
		}
		return v.(*Map[T]), nil
	}
	fields, index, err := analyze(rt)
	if err != nil {
		cache.Store(rt, err)
		return nil, err
	}
	v, _ := cache.LoadOrStore(rt, &Map[T]{fields: fields, index: index})
	return v.(*Map[T]), nil
}

// MustOf is like Of but panics on error; for package-level variables.
func MustOf[T any]() *Map[T] {
	m, err := Of[T]()
	if err != nil {
		panic(err.Error())
	}
	return m
}

// analyze reads the loom tags of the struct type rt.
func analyze(rt reflect.Type) ([]Field, map[string]int, error) {
	if rt.Kind() != reflect.Struct {
		return nil, nil, fmt.Errorf("rowmap: row type must be a struct, got %v", rt)
	}
	w := &walker{index: make(map[string]int)}
	if err := w.walk(rt, 0, ""); err != nil {
		return nil, nil, err
	}
	if len(w.fields) == 0 {
		return nil, nil, fmt.Errorf("rowmap: struct %v has no field with a loom tag", rt)
	}
	return w.fields, w.index, nil
}

type walker struct {
	fields []Field
	index  map[string]int
}

func (m *walker) walk(rt reflect.Type, base uintptr, prefix string) error {
	for i := range rt.NumField() {
		sf := rt.Field(i)
		tag, tagged := sf.Tag.Lookup("loom")
		if !tagged {
			if sf.Anonymous && sf.Type.Kind() == reflect.Struct && sf.Type != timeType {
				if err := m.walk(sf.Type, base+sf.Offset, prefix+sf.Name+"."); err != nil {
					return err
				}
			}
			continue
		}
		if tag == "-" {
			continue
		}
		name, opt, _ := strings.Cut(tag, ",")
		goName := prefix + sf.Name
		if name == "" {
			return fmt.Errorf("rowmap: field %s of %v has an empty loom tag name", goName, rt)
		}
		if !sf.IsExported() {
			return fmt.Errorf("rowmap: field %s of %v is tagged loom:%q but unexported", goName, rt, tag)
		}
		if _, dup := m.index[name]; dup {
			return fmt.Errorf("rowmap: duplicate loom tag name %q (field %s of %v)", name, goName, rt)
		}
		f := Field{Name: name, GoName: goName, off: base + sf.Offset}
		ft := sf.Type
		switch {
		case ft.Kind() == reflect.Pointer:
			f.nl = nPtr
			ft = ft.Elem()
		case ft.Kind() == reflect.Struct && ft.PkgPath() == "database/sql" && strings.HasPrefix(ft.Name(), "Null") &&
			ft.NumField() == 2 && ft.Field(1).Name == "Valid" && ft.Field(1).Type.Kind() == reflect.Bool:
			f.nl = nSQL
			f.valid = ft.Field(1).Offset
			ft = ft.Field(0).Type
		}
		f.Nullable = f.nl != nNone
		st, ok := storeOf(ft)
		if !ok {
			return fmt.Errorf("rowmap: field %s of %v (loom:%q) has unsupported type %v", goName, rt, tag, sf.Type)
		}
		f.st = st
		f.Kind, f.Type = kindOf(st)
		switch opt {
		case "":
		case "category":
			if f.Kind != KindString {
				return fmt.Errorf("rowmap: field %s of %v: option category needs a string field, got %v", goName, rt, sf.Type)
			}
			f.Type = Category
		default:
			return fmt.Errorf("rowmap: field %s of %v: unknown loom tag option %q", goName, rt, opt)
		}
		m.index[name] = len(m.fields)
		m.fields = append(m.fields, f)
	}
	return nil
}

var timeType = reflect.TypeFor[time.Time]()

func storeOf(t reflect.Type) (store, bool) {
	if t == timeType {
		return sTime, true
	}
	switch t.Kind() {
	case reflect.Bool:
		return sBool, true
	case reflect.Int:
		return sInt, true
	case reflect.Int8:
		return sInt8, true
	case reflect.Int16:
		return sInt16, true
	case reflect.Int32:
		return sInt32, true
	case reflect.Int64:
		return sInt64, true
	case reflect.Uint8:
		return sUint8, true
	case reflect.Uint16:
		return sUint16, true
	case reflect.Uint32:
		return sUint32, true
	case reflect.Float32:
		return sFloat32, true
	case reflect.Float64:
		return sFloat64, true
	case reflect.String:
		return sString, true
	}
	return 0, false
}

func kindOf(s store) (Kind, Type) {
	switch s {
	case sBool:
		return KindBool, Bool
	case sFloat32, sFloat64:
		return KindFloat, Float
	case sString:
		return KindString, String
	case sTime:
		return KindTime, Timestamp
	}
	return KindInt, Int
}

// Fields returns the bound fields in struct order. The slice is shared: do
// not modify it.
func (m *Map[T]) Fields() []Field { return m.fields }

// Len returns the number of bound fields.
func (m *Map[T]) Len() int { return len(m.fields) }

// Field returns the i-th field.
func (m *Map[T]) Field(i int) *Field { return &m.fields[i] }

// Index returns the index of the field named name, or -1.
func (m *Map[T]) Index(name string) int {
	if i, ok := m.index[name]; ok {
		return i
	}
	return -1
}

// Names returns the field names in struct order.
func (m *Map[T]) Names() []string {
	out := make([]string, len(m.fields))
	for i := range m.fields {
		out[i] = m.fields[i].Name
	}
	return out
}
