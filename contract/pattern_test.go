package contract

import (
	"regexp"
	"testing"
)

// patternCases are regex checks' patterns, each with values to match;
// fast says whether the pattern compiles to an asciiPattern.
var patternCases = []struct {
	pattern string
	fast    bool
	values  []string
}{
	{`^ch[0-9]{2}$`, true, []string{"ch05", "ch5", "ch055", "CH05", "ch0a", "", "xch05", "ch05\n", "ch０5"}},
	{`ch\d{2}`, true, []string{"ch05", "ch99", "ch9", "ch"}},
	{`[A-Z]{2}[0-9]{4}`, true, []string{"AB1234", "AB123", "AB12345", "ab1234", "A11234"}},
	{`[a-z_]+`, true, []string{"", "a", "snake_case", "Snake", "a-b"}},
	{`[A-Z][a-z]*`, true, []string{"A", "Abc", "", "abc", "AbC"}},
	{`x?`, true, []string{"", "x", "xx", "y"}},
	{`ab{1,3}`, true, []string{"a", "ab", "abbb", "abbbb", "ba"}},
	{`a.c`, true, []string{"abc", "a\nc", "ac", "aé c", "a\x7fc"}},
	{`(?s)a.c`, true, []string{"a\nc", "abc"}},
	{`[^,]+`, true, []string{"a", "a,b", "", "é"}},
	{`(?:ab)c`, true, []string{"abc", "ab", "abcc"}},
	{`(x)y`, true, []string{"xy", "x"}},
	{``, true, []string{"", "a"}},
	{`\Aa\z`, true, []string{"a", "aa"}},
	{`a+b`, false, []string{"ab", "aab", "b"}},
	{`a|b`, true, []string{"a", "b", "ab"}}, // parsed as [ab]
	{`ab|cd`, false, []string{"ab", "cd", "ad"}},
	{`(?i)ch[0-9]{2}`, false, []string{"CH05", "ch05"}},
	{`(?:ab)+`, false, []string{"abab", "aba"}},
	{`a^b`, false, []string{"ab"}},
	{`\bab`, false, []string{"ab"}},
	{`(?m)a$`, false, []string{"a"}},
	{`é+`, true, []string{"é", "éé", "e", ""}},
	{`[é-ü]`, true, []string{"é", "e"}},
}

// TestAsciiPattern checks that the fast form of each pattern answers what
// regexp answers, and that only the supported shapes have one.
func TestAsciiPattern(t *testing.T) {
	for _, c := range patternCases {
		p := compilePattern(c.pattern)
		if (p != nil) != c.fast {
			t.Errorf("compilePattern(%q) fast = %v, want %v", c.pattern, p != nil, c.fast)
		}
		re := regexp.MustCompile(`^(?:` + c.pattern + `)$`)
		for _, s := range c.values {
			want := re.MatchString(s)
			if p == nil {
				continue
			}
			if got, done := p.match(s); done && got != want {
				t.Errorf("pattern %q on %q: %v, regexp says %v", c.pattern, s, got, want)
			}
		}
	}
}

// TestCheckRowPattern checks CheckRow's verdicts on a regex check through
// the fast form and through regexp (a value outside ASCII).
func TestCheckRowPattern(t *testing.T) {
	type row struct {
		Code string `loom:"code"`
	}
	c, err := Parse([]byte(`{"version": 1, "name": "codes", "fields": [{"name": "code", "type": "string", "checks": [{"kind": "regex", "severity": "error", "pattern": "^ch[0-9]{2}$"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Bind[row](c)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		code string
		ok   bool
	}{{"ch05", true}, {"ch5", false}, {"ch0é", false}, {"cé05", false}, {"ch99", true}} {
		err := b.CheckRow(&row{Code: tc.code})
		if (err == nil) != tc.ok {
			t.Errorf("CheckRow(%q) = %v, want ok %v", tc.code, err, tc.ok)
		}
	}
}

// FuzzAsciiPattern compares the fast form of a pattern with regexp on any
// pattern and value.
func FuzzAsciiPattern(f *testing.F) {
	for _, c := range patternCases {
		for _, s := range c.values {
			f.Add(c.pattern, s)
		}
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		re, err := regexp.Compile(`^(?:` + pattern + `)$`)
		if err != nil {
			return
		}
		p := compilePattern(pattern)
		if p == nil {
			return
		}
		if got, done := p.match(s); done && got != re.MatchString(s) {
			t.Fatalf("pattern %q on %q: %v, regexp says %v", pattern, s, got, !got)
		}
	})
}

// BenchmarkRegexCheck is one regex check of a short code, by the fast
// form and by regexp.
func BenchmarkRegexCheck(b *testing.B) {
	const pattern = `^ch[0-9]{2}$`
	p := compilePattern(pattern)
	re := regexp.MustCompile(`^(?:` + pattern + `)$`)
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if ok, _ := p.match("ch05"); !ok {
				b.Fatal("no match")
			}
		}
	})
	b.Run("regexp", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if !re.MatchString("ch05") {
				b.Fatal("no match")
			}
		}
	})
}
