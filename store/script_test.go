package store_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chihuy/chihuy/internal/redistest"
	"github.com/chihuy/chihuy/store"
)

// Every script loads (compiles) on the backend, under the hash the store
// runs it by.
func TestScriptsLoad(t *testing.T) {
	rdb := redistest.Shared(t).Client(t)
	ctx := context.Background()
	scripts := store.Scripts()
	if len(scripts) < 20 {
		t.Fatalf("%d scripts declared, want every script of the store", len(scripts))
	}
	for _, sc := range scripts {
		sha, err := rdb.ScriptLoad(ctx, sc.Src).Result()
		if err != nil {
			t.Errorf("%s on %s: %v\n%s", sc.Name, redistest.Backend(), err, sc.Src)
			continue
		}
		if sha != sc.Hash {
			t.Errorf("%s: loaded as %s, run as %s", sc.Name, sha, sc.Hash)
		}
	}
}

// Every file of lua/ is a script or a library, and every script has its
// own file.
func TestScriptFiles(t *testing.T) {
	files, err := store.LuaFiles()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, lib := range store.LuaLibs() {
		known[lib] = true
	}
	for _, sc := range store.Scripts() {
		if known[sc.Name] {
			t.Errorf("script %s declared twice (or named as a library)", sc.Name)
		}
		known[sc.Name] = true
	}
	for _, f := range files {
		if !known[f] {
			t.Errorf("lua/%s.lua is neither a declared script nor a library", f)
		}
		delete(known, f)
	}
	for name := range known {
		t.Errorf("%s has no file in lua/", name)
	}
}

var (
	luaComment = regexp.MustCompile(`--[^\n]*`)
	luaString  = regexp.MustCompile(`'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"`)
	luaIdent   = regexp.MustCompile(`(^|[^.\w])([A-Za-z_]\w*)`)
	luaField   = regexp.MustCompile(`\.([A-Za-z_]\w*)`)
	luaLocal   = regexp.MustCompile(`\blocal\s+(?:function\s+)?([\w\s,]+?)\s*(?:=|\(|\n)`)
	luaParams  = regexp.MustCompile(`\bfunction\s*[\w.:]*\s*\(([^)]*)\)`)
	luaFor     = regexp.MustCompile(`\bfor\s+([\w\s,]+?)\s*(?:=|\bin\b)`)
)

// luaCode is Lua without its comments and string literals.
func luaCode(src string) string {
	return luaComment.ReplaceAllString(luaString.ReplaceAllString(src, "''"), "")
}

// luaDeclared lists the names code declares: locals, parameters, loop
// variables.
func luaDeclared(code string) []string {
	var out []string
	for _, re := range []*regexp.Regexp{luaLocal, luaParams, luaFor} {
		for _, m := range re.FindAllStringSubmatch(code, -1) {
			for _, n := range strings.Split(m[1], ",") {
				if n = strings.TrimSpace(n); n != "" {
					out = append(out, n)
				}
			}
		}
	}
	return out
}

func TestLuaHelpers(t *testing.T) {
	code := luaCode("local a, b = x.y, 'KEYS' -- ARGV\nlocal function f(c, d) end\nfor _, e in ipairs(z) do end\nfor i = 1, 2 do end\n")
	if strings.Contains(code, "KEYS") || strings.Contains(code, "ARGV") {
		t.Errorf("luaCode kept a string or a comment: %q", code)
	}
	got := luaDeclared(code)
	for _, want := range []string{"a", "b", "f", "c", "d", "_", "e", "i"} {
		if !slices.Contains(got, want) {
			t.Errorf("luaDeclared = %v, misses %s", got, want)
		}
	}
	var ids []string
	for _, m := range luaIdent.FindAllStringSubmatch(code, -1) {
		ids = append(ids, m[2])
	}
	if slices.Contains(ids, "y") || !slices.Contains(ids, "x") {
		t.Errorf("identifiers %v: want x, not the field y", ids)
	}
}

// Scripts use their keys and arguments by their declared names: no
// KEYS[n] or ARGV[n], every declared name and record field used, none
// redeclared (which would hide the declared value).
func TestScriptNames(t *testing.T) {
	for _, sc := range store.Scripts() {
		code := luaCode(sc.Code)
		ids := map[string]bool{}
		for _, m := range luaIdent.FindAllStringSubmatch(code, -1) {
			ids[m[2]] = true
		}
		for _, raw := range []string{"KEYS", "ARGV"} {
			if ids[raw] {
				t.Errorf("%s indexes %s: use the declared names", sc.Name, raw)
			}
		}
		for _, n := range sc.Names {
			if !ids[n] {
				t.Errorf("%s declares %s but does not use it", sc.Name, n)
			}
		}
		fields := map[string]bool{}
		for _, m := range luaField.FindAllStringSubmatch(code, -1) {
			fields[m[1]] = true
		}
		for _, f := range sc.Fields {
			if !fields[f] {
				t.Errorf("%s declares the record field %s but does not use it", sc.Name, f)
			}
		}
		for _, d := range luaDeclared(code) {
			if slices.Contains(sc.Names, d) {
				t.Errorf("%s redeclares %s, hiding its declared value", sc.Name, d)
			}
		}
	}
}

// The generated prologue binds single values, numbers, lists and records
// in the order bind passes them, on both backends.
func TestScriptPrologue(t *testing.T) {
	rdb := redistest.Shared(t).Client(t)
	ctx := context.Background()
	p := redistest.Prefix(t)
	body := `
local num = 'no'
if type(n) == 'number' then num = tostring(n + 1) end
return {a, b, #ks, ks[1] or '', ks[2] or '', #more, x, num, #l, l[2] or '', #recs,
  recs[1] and recs[1].f or '', recs[2] and tostring(recs[2].g + 1) or ''}`
	keys := []string{"a", "b", "ks[]", "more[]"}
	args := []string{"x", "n#", "l[]", "recs[f,g#]"}
	cmd, err := store.RunTestScript(ctx, rdb, body, keys, args,
		store.TestNames{"a": p + ":a", "b": p + ":b", "ks": []string{p + ":k1", p + ":k2"}, "more": []string{p + ":m"}},
		store.TestNames{"x": "xv", "n": 41, "l": []any{"l1", "l2", "l3"},
			"recs": []store.TestNames{{"f": "f1", "g": 1}, {"f": "f2", "g": 9}}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := cmd.Slice()
	if err != nil {
		t.Fatal(err)
	}
	want := []any{p + ":a", p + ":b", int64(2), p + ":k1", p + ":k2", int64(1), "xv", "42", int64(3), "l2", int64(2), "f1", "10"}
	if !slices.Equal(got, want) {
		t.Errorf("bound %v\nwant  %v", got, want)
	}

	// Empty lists.
	cmd, err = store.RunTestScript(ctx, rdb, body, keys, args,
		store.TestNames{"a": p + ":a", "b": p + ":b", "ks": []string{}, "more": []string{}},
		store.TestNames{"x": "", "n": "x", "l": []string{}, "recs": []store.TestNames{}})
	if err != nil {
		t.Fatal(err)
	}
	got, err = cmd.Slice()
	if err != nil {
		t.Fatal(err)
	}
	want = []any{p + ":a", p + ":b", int64(0), "", "", int64(0), "", "no", int64(0), "", int64(0), "", ""}
	if !slices.Equal(got, want) {
		t.Errorf("bound %v\nwant  %v", got, want)
	}
}

// A call that misses a declared name, or passes the wrong shape, fails
// before anything is sent; so does a bad declaration.
func TestScriptBindErrors(t *testing.T) {
	rdb := redistest.Shared(t).Client(t)
	ctx := context.Background()
	p := redistest.Prefix(t)
	body := "return {k, a}"
	for _, c := range []struct {
		name string
		k, a store.TestNames
	}{
		{"missing key", store.TestNames{}, store.TestNames{"a": "1", "l": []string{}}},
		{"missing argument", store.TestNames{"k": p}, store.TestNames{"l": []string{}}},
		{"missing list", store.TestNames{"k": p}, store.TestNames{"a": "1"}},
		{"list for a key", store.TestNames{"k": []string{p}}, store.TestNames{"a": "1", "l": []string{}}},
		{"value for a list", store.TestNames{"k": p}, store.TestNames{"a": "1", "l": "x"}},
		{"records for values", store.TestNames{"k": p}, store.TestNames{"a": "1", "l": []store.TestNames{{}}}},
	} {
		cmd, err := store.RunTestScript(ctx, rdb, body, []string{"k"}, []string{"a", "l[]"}, c.k, c.a)
		if err != nil {
			t.Fatal(err)
		}
		if cmd.Err() == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	cmd, err := store.RunTestScript(ctx, rdb, "return r[1].f", []string{"k"}, []string{"r[f,g]"},
		store.TestNames{"k": p}, store.TestNames{"r": []store.TestNames{{"f": "1"}}})
	if err != nil {
		t.Fatal(err)
	}
	if cmd.Err() == nil {
		t.Errorf("a record without a field: no error")
	}
	for _, decl := range [][2][]string{
		{{"k[]", "j"}, nil},         // a single key after a list
		{{"k#"}, nil},               // a number key
		{{"k"}, {"k"}},              // declared twice
		{{"end"}, nil},              // a keyword
		{{"KEYS"}, nil},             // what the prologue uses
		{{"_k"}, nil},               // reserved prefix
		{{"k"}, {"r[f", "g]"}},      // bad list
		{{"k"}, {"r[f,s[]]"}},       // a list in a record
		{{"k"}, {"l[]", "a"}},       // a single argument after a list
		{{"k"}, {"a", "r[f]", "b"}}, // idem
	} {
		if _, err := store.RunTestScript(ctx, rdb, "return 1", decl[0], decl[1], nil, nil); err == nil {
			t.Errorf("declaration %v %v accepted", decl[0], decl[1])
		}
	}
}
