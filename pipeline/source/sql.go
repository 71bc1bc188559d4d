package source

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/loomml/loom/internal/rowmap"
)

// Query runs query on db and streams the result rows into T, matching
// result columns to loom tags by name. Columns that match no field are
// ignored; a non-nullable field with no column is an ErrMissingColumn
// error before any row. SQL NULL is null. Values convert by kind: integers
// and floats fill int and float fields (a fraction into an int field is
// ErrType), text fills string fields and parses for the others (as
// ReadCSV), time.Time or text fills time fields. A bad value yields an
// *Error for its row (named by query) and reading goes on; a database error
// stops it. It is a single-use iterator that closes the rows when it ends,
// early or not.
func Query[T any](ctx context.Context, db *sql.DB, query string, args ...any) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		m, err := rowmap.Of[T]()
		if err != nil {
			yield(zero, &Error{File: query, Row: -1, Err: err})
			return
		}
		rows, err := db.QueryContext(ctx, query, args...)
		if err != nil {
			yield(zero, &Error{File: query, Row: -1, Err: err})
			return
		}
		defer rows.Close()
		names, err := rows.Columns()
		if err != nil {
			yield(zero, &Error{File: query, Row: -1, Err: err})
			return
		}
		field := make([]int, len(names)) // field of each column, -1 when none
		have := make([]bool, m.Len())
		for c, n := range names {
			field[c] = m.Index(n)
			if field[c] >= 0 {
				have[field[c]] = true
			}
		}
		for i, f := range m.Fields() {
			if !have[i] && !f.Nullable {
				yield(zero, &Error{File: query, Row: -1, Column: f.Name, Err: ErrMissingColumn})
				return
			}
		}
		vals := make([]any, len(names))
		ptrs := make([]any, len(names))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		var arena rowmap.Arena
		for row := int64(0); rows.Next(); row++ {
			if err := rows.Scan(ptrs...); err != nil {
				yield(zero, &Error{File: query, Row: row, Err: err})
				return
			}
			var t T
			var rowErr error
			for c, v := range vals {
				i := field[c]
				if i < 0 {
					continue
				}
				if err := setSQL(m, &t, i, v, &arena); err != nil {
					rowErr = &Error{File: query, Row: row, Column: names[c], Value: sqlText(v), Err: err}
					break
				}
			}
			if !yield(t, rowErr) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(zero, &Error{File: query, Row: -1, Err: err})
		}
	}
}

func setSQL[T any](m *rowmap.Map[T], t *T, i int, v any, a *rowmap.Arena) error {
	f := m.Field(i)
	if v == nil {
		if !f.Nullable {
			return ErrNull
		}
		return nil
	}
	switch x := v.(type) {
	case int64:
		switch f.Kind {
		case rowmap.KindInt, rowmap.KindFloat:
			if err := m.SetInt(t, i, x); err != nil {
				return sentinel(err)
			}
			return nil
		case rowmap.KindBool:
			if x != 0 && x != 1 {
				return ErrType
			}
			m.SetBool(t, i, x == 1)
			return nil
		}
	case float64:
		switch f.Kind {
		case rowmap.KindFloat:
			if err := m.SetFloat(t, i, x); err != nil {
				return sentinel(err)
			}
			return nil
		case rowmap.KindInt:
			if x != math.Trunc(x) {
				return ErrType
			}
			if x < -(1<<63) || x >= 1<<63 {
				return ErrRange
			}
			if err := m.SetInt(t, i, int64(x)); err != nil {
				return sentinel(err)
			}
			return nil
		}
	case bool:
		if f.Kind == rowmap.KindBool {
			m.SetBool(t, i, x)
			return nil
		}
	case time.Time:
		if f.Kind == rowmap.KindTime {
			m.SetTime(t, i, x)
			return nil
		}
	case []byte:
		return setSQLText(m, t, i, string(x), a)
	case string:
		return setSQLText(m, t, i, x, a)
	}
	return fmt.Errorf("%w: %T for a %s field", ErrType, v, f.Type)
}

func setSQLText[T any](m *rowmap.Map[T], t *T, i int, s string, a *rowmap.Arena) error {
	if m.Field(i).Kind == rowmap.KindString && !utf8.ValidString(s) {
		return ErrEncoding
	}
	if err := m.SetText(t, i, s, a); err != nil {
		return sentinel(err)
	}
	return nil
}

func sqlText(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case []byte:
		return string(x)
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case time.Time:
		return x.Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v)
}
