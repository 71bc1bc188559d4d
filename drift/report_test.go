package drift

import (
	"bytes"
	"encoding/json"
	_ "image/png"
	"testing"
)

func shiftedReport(t testing.TB) *Report {
	ref := wideProfile(3000, 1)
	cur := BuildProfile(wideRows(2000, 5, 0.4), wideColumns()[:10], nil)
	same := BuildProfile(wideRows(2000, 6, 0), wideColumns(), nil)
	if err := cur.mergeColumns(same, 10); err != nil {
		t.Fatal(err)
	}
	rep, err := Compare(ref, cur, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestReportJSON(t *testing.T) {
	rep := shiftedReport(t)
	var buf bytes.Buffer
	if err := rep.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var back struct {
		Columns []map[string]any `json:"columns"`
		Drifted int              `json:"drifted_columns"`
	}
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Drifted != rep.Drifted || len(back.Columns) != 25 {
		t.Fatalf("JSON has %d drifted, %d columns; want %d, 25", back.Drifted, len(back.Columns), rep.Drifted)
	}
	if back.Columns[0]["drifted"] != true {
		t.Errorf("first column in JSON is not drifted: %v", back.Columns[0])
	}
}
