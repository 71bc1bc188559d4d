package registry

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAuditLegacyInvalidUTF8 opens a registry written by a version that
// accepted invalid UTF-8 (testdata/legacy-invalid-utf8: a principal
// "ci\xff", a description "first \xe9", a promote reason "reason \xff\xfe"
// and a tag value "caf\xe9", beside a description holding a real U+FFFD).
// Its audit log was sealed over encoding/json's output, which escapes each
// bad byte as \ufffd; it must still verify and export, and a changed entry
// must still be caught.
func TestAuditLegacyInvalidUTF8(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("testdata/legacy-invalid-utf8")); err != nil {
		t.Fatal(err)
	}
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	es, err := r.Audit(ctx, "m")
	if err != nil {
		t.Fatalf("Audit() = %v; want the legacy log to verify", err)
	}
	if len(es) != 4 || es[0].Principal != "ci\uFFFD" || es[1].Reason != "second \uFFFD ok" || es[2].Reason != "reason \uFFFD\uFFFD" || es[3].After != "team=caf\uFFFD" {
		t.Fatalf("Audit() = %+v; want the 4 legacy entries", es)
	}
	var buf bytes.Buffer
	if err := r.Export(ctx, "m", &buf); err != nil {
		t.Fatalf("Export() = %v", err)
	}
	dst, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dst.Import(ctx, &buf); err != nil {
		t.Fatalf("Import(Export()) = %v", err)
	}

	log := filepath.Join(dir, "models", "m", "audit.jsonl")
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	for _, tamper := range []struct{ old, new string }{
		{`"reason \ufffd\ufffd"`, `"reason \ufffd"`},
		{`"first \ufffd"`, `"first ?"`},
	} {
		t.Run(tamper.new, func(t *testing.T) {
			if err := os.WriteFile(log, bytes.Replace(b, []byte(tamper.old), []byte(tamper.new), 1), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := r.Audit(ctx, "m"); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Audit() of a changed entry = %v; want ErrCorrupt", err)
			}
		})
	}
}

// TestHashMatches checks the entries hashMatches accepts: those sealed now,
// those sealed over invalid UTF-8 (escaped U+FFFD) in any of the free-text
// fields, and no entry whose content changed.
func TestHashMatches(t *testing.T) {
	base := Entry{Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Principal: "ci", Action: ActionSetTag, Model: "m", Version: 2}
	tests := []struct {
		name                      string
		principal, reason, before string
	}{
		{"valid", "ci", "ok \uFFFD", "team=a"},
		{"bad principal", "ci\xff", "ok", ""},
		{"bad reason and real U+FFFD in principal", "ci \uFFFD", "r\xfe\xff", "team=\xe9"},
		{"all bad", "\xff", "\xfe", "\xe9"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := base
			e.Principal, e.Reason, e.Before = tc.principal, tc.reason, tc.before
			seal(&e, 0, "")
			b, err := marshalEntry(e)
			if err != nil {
				t.Fatal(err)
			}
			back, err := unmarshalEntry(b)
			if err != nil {
				t.Fatal(err)
			}
			if !hashMatches(back) {
				t.Fatalf("hashMatches(%+v read back from %s) = false; want true", back, b)
			}
			changed := back
			changed.Reason += "x"
			if hashMatches(changed) {
				t.Fatalf("hashMatches(%+v) = true after a change; want false", changed)
			}
			if strings.Contains(back.Reason, "\uFFFD") {
				changed = back
				changed.Reason = strings.Replace(back.Reason, "\uFFFD", "", 1)
				if hashMatches(changed) {
					t.Fatalf("hashMatches(%+v) = true with a U+FFFD removed; want false", changed)
				}
			}
		})
	}
}
