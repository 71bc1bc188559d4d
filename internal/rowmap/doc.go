// Package rowmap maps a user's row struct to named, typed columns: the one
// place where Loom reads `loom:"name"` struct tags.
//
// # Overview
//
// A Map[T] is built once per struct type T with Of, by reflection; after
// that every access goes through precomputed offsets and storage codes, with
// no reflection and no allocation per row. It is shared by package contract
// (checks read field values), pipeline/source (CSV, Parquet, Arrow and SQL
// rows decode into T), and any other package that must read or fill a T by
// column name.
//
// Tags: `loom:"name"` binds an exported field to the column name;
// `loom:"name,category"` marks a string field as categorical; `loom:"-"` and
// untagged fields are ignored. Tagged fields of embedded (non-pointer)
// structs are flattened. Supported Go types, and the Loom type they get:
//
//	bool                                         Bool
//	int, int8, int16, int32, int64,
//	uint8, uint16, uint32                        Int
//	float32, float64                             Float
//	string                                       String (Category with ",category")
//	time.Time                                    Timestamp
//
// A pointer to any of these, or a database/sql Null type (sql.NullFloat64,
// sql.NullString, sql.Null[V], ...), is nullable: nil (Valid == false) means
// missing. Any other field type, a duplicate name, or a tagged unexported
// field is an error from Of.
//
// # Access
//
// Fields are addressed by index (Map.Fields, Map.Index). Getters return the
// value and whether it is present: Float also reads Int fields, so numeric
// code can treat both alike. Setters convert with range checks and return an
// error for a value the field cannot hold; setting a pointer field allocates
// the pointee (SetText and Plan.Decode take them from an Arena, one slab of
// 1024 per type, instead). Calling a getter or setter of the wrong kind is a programmer
// mistake and panics.
//
// Three decoders build on the accessors:
//
//   - SetText parses one text cell (CSV, SQL text) into a field.
//   - SetJSON sets a field from a json.Token (decoded with UseNumber) and
//     DecodeJSON fills a whole *T from a JSON object: an integer JSON number
//     into a float field is fine, a fraction into an int field is an error.
//   - Plan and Plan.Decode turn an Arrow record batch (arrow-go v18) into
//     []T by column name, column by column.
//
// # Errors
//
// Decoding errors are *Error values naming the row, the column and the raw
// value, wrapping one of the sentinels ErrType, ErrRange, ErrNull,
// ErrMissingColumn, ErrUnknownField or ErrMissingField. Plan.Decode checks
// the buffers of every column it reads first: a damaged one (offsets out
// of range, a short buffer, a dictionary index past the dictionary) is an
// *Error with Row -1 wrapping ErrInvalidArray, never a panic.
//
// # Concurrency
//
// A Map and a Plan are immutable after construction and safe for concurrent
// use; Of caches one Map per type.
//
// # Performance
//
// A getter or setter is a switch on a storage code and an unsafe load or
// store: a few nanoseconds, no allocation (except a pointer setter, which
// allocates the pointee). Plan.Decode allocates once per pointer column per
// batch for the pointees and once per string column per batch for the string
// bytes, which the decoded rows then share (so a kept row keeps its batch's
// string bytes alive).
package rowmap
