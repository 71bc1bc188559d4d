package scorefile_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/parquet/file"

	"github.com/loomml/loom/feature"
	"github.com/loomml/loom/model"
	"github.com/loomml/loom/pipeline/source"
	"github.com/loomml/loom/serve"
	"github.com/loomml/loom/serve/scorefile"
	"github.com/loomml/loom/train"
)

// Loan is the row type; ID is not an input, only copied to the output.
type Loan struct {
	ID     string  `loom:"id"`
	Amount float64 `loom:"amount"`
	Term   string  `loom:"term"`
	Repaid int     `loom:"repaid"`
}

func loans(n int) []Loan {
	rows := make([]Loan, n)
	for i := range rows {
		term := []string{"short", "long"}[i%2]
		amount := float64(1000 + i*37%9000)
		rows[i] = Loan{ID: fmt.Sprintf("l%04d", i), Amount: amount, Term: term}
		if (amount < 5000) != (i%9 == 0) {
			rows[i].Repaid = 1
		}
	}
	return rows
}

func scorer(tb testing.TB) *serve.Scorer[Loan] {
	spec := model.New[Loan]("loans").Label("repaid").
		Float("amount", feature.Standardize()).
		Category("term").
		Trainer(train.LogisticRegression{})
	b, err := model.Fit(context.Background(), spec, loans(500))
	if err != nil {
		tb.Fatal(err)
	}
	s, err := serve.NewScorer(b)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestParquet(t *testing.T) {
	s := scorer(t)
	rows := loans(2500)
	var src bytes.Buffer
	if err := source.WriteParquet(&src, rows, &source.ParquetOptions{BatchRows: 1000}); err != nil {
		t.Fatal(err)
	}
	var dst bytes.Buffer
	n, failed, err := scorefile.Parquet(context.Background(), s, bytes.NewReader(src.Bytes()), &dst, &serve.BatchOptions{Keep: []string{"id"}, BatchRows: 700})
	if err != nil || n != int64(len(rows)) || failed != 0 {
		t.Fatalf("Parquet = %d rows, %d failed, %v; want %d, 0", n, failed, err, len(rows))
	}
	pf, err := file.NewParquetReader(bytes.NewReader(dst.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	if pf.NumRows() != int64(len(rows)) || pf.MetaData().Schema.Column(0).Name() != "id" {
		t.Fatalf("output has %d rows, first column %q", pf.NumRows(), pf.MetaData().Schema.Column(0).Name())
	}
	for _, bad := range [][]byte{[]byte("not parquet at all"), src.Bytes()[:src.Len()/2]} {
		if _, _, err := scorefile.Parquet(context.Background(), s, bytes.NewReader(bad), &bytes.Buffer{}, nil); err == nil {
			t.Fatalf("Parquet of %d bad bytes succeeded", len(bad))
		}
	}
}

// Parquet scores a file of loans into a file of predictions, keeping the id
// column to join them back on.
func ExampleParquet() {
	s := scorer(nil)
	var in, out bytes.Buffer
	if err := source.WriteParquet(&in, loans(1000), nil); err != nil {
		panic(err)
	}
	n, failed, err := scorefile.Parquet(context.Background(), s, bytes.NewReader(in.Bytes()), &out, &serve.BatchOptions{Keep: []string{"id"}})
	fmt.Println(n, "rows scored,", failed, "failed, error:", err)
	// Output: 1000 rows scored, 0 failed, error: <nil>
}
