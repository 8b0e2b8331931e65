package store

// Lua scripts. Every change that must be atomic is one script, kept in its
// own file in lua/ (embedded in the binary) and declared in Go beside the
// method that runs it:
//
//	var cdAckScript = newScript("directive_ack", scriptSpec{
//		libs: []string{"lib_directive", "lib_directive_answer"},
//		keys: []string{"meta", "targets", "acks", "waiting"},
//		args: []string{"unit", "at", "by"},
//	})
//
// The declaration names the script's KEYS and ARGV in order. At load time
// a prologue is generated from it that binds each name to a Lua local
// ("local meta = KEYS[1]"), then come the library files (lua/lib_*.lua,
// shared functions) and the script's own file: scripts use names only,
// never KEYS[n] or ARGV[n]. The Go side passes keys and arguments by name
// too (names), and bind orders them as declared, so the two cannot drift.
//
// A declared name is a Lua identifier, optionally followed by
//
//	#             the value is a number (tonumber in the prologue)
//	[]            a list of values (keys or arguments) of any length
//	[f1,f2#,…]    a list of records, each of the fields named, bound as
//	              tables {f1 = …, f2 = …}
//
// Lists come after the single values. Their lengths go first in ARGV (one
// number per list, keys' lists first), so a script may take several lists
// of any length. A library (lua/lib_*.lua) declares the keys and arguments
// it uses in luaLibs, and every script loading it must declare them too.
//
// Constants of the Go code that a script needs (DeadLetterCap, DoneTTL…)
// are passed as arguments: the script text is the file as written.
//
// Both backends run the same text: Redis (Lua 5.1) and the embedded store
// (gopher-lua). Scripts keep to what both have: no bit ops, no
// redis.setresp, and lists are copied in loops (unpack is bounded).

import (
	"context"
	"embed"
	"fmt"
	"regexp"
	"strings"

	"github.com/redis/go-redis/v9"
)

//go:embed lua/*.lua
var luaFiles embed.FS

// names are the keys or the arguments of one script call, by declared name
// (without the # or [] marks). A single key is a string, a list of keys a
// []string; a single argument is any value go-redis takes, a list a
// []string or []any, a list of records a []names. Names a script does not
// declare are ignored, so a family of keys may be passed whole.
type names map[string]any

// scriptSpec declares a script: the libraries it loads and its keys and
// arguments, in order (see the package's notes on scripts above).
type scriptSpec struct {
	libs []string
	keys []string
	args []string
}

// luaLibs are the library files and what each uses. A library's own
// libraries are not implied: a script lists every library it loads, in
// order.
var luaLibs = map[string]scriptSpec{
	"lib_directive":        {keys: []string{"meta", "targets"}},
	"lib_directive_answer": {keys: []string{"meta", "acks", "waiting"}},
	"lib_outbox":           {keys: []string{"pending"}, args: []string{"B", "NOW#", "TTL#", "DEADCAP#"}},
}

// param is one declared key or argument.
type param struct {
	name   string
	number bool
	list   bool
	fields []param // a list of records
}

// script is a Lua script with its declared keys and arguments.
type script struct {
	name       string
	spec       scriptSpec
	keys, args []param
	// code is the libraries and the script's file; src the whole text run
	// (the generated prologue, then code).
	code, src string
	*redis.Script
}

// scripts are every script declared, for tests.
var scripts []*script

var identRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

// luaReserved are the names a declaration may not take: Lua's keywords and
// what the prologue itself uses.
var luaReserved = map[string]bool{
	"and": true, "break": true, "do": true, "else": true, "elseif": true, "end": true, "false": true,
	"for": true, "function": true, "if": true, "in": true, "local": true, "nil": true, "not": true,
	"or": true, "repeat": true, "return": true, "then": true, "true": true, "until": true, "while": true,
	"KEYS": true, "ARGV": true, "i": true, "tonumber": true, "redis": true,
}

// newScript loads lua/name.lua and its libraries and generates its
// prologue. A missing file or a bad declaration panics: it is a bug found
// by any test.
func newScript(name string, spec scriptSpec) *script {
	sc, err := buildScript(name, spec, mustReadLua(name))
	if err != nil {
		panic("store: " + err.Error())
	}
	scripts = append(scripts, sc)
	return sc
}

// buildScript makes the script of body, declared by spec.
func buildScript(name string, spec scriptSpec, body string) (*script, error) {
	sc := &script{name: name, spec: spec}
	var err error
	if sc.keys, err = parseParams(spec.keys); err != nil {
		return nil, fmt.Errorf("script %s keys: %w", name, err)
	}
	if sc.args, err = parseParams(spec.args); err != nil {
		return nil, fmt.Errorf("script %s args: %w", name, err)
	}
	for _, p := range sc.keys {
		if p.number || p.fields != nil {
			return nil, fmt.Errorf("script %s: key %s is a number or records", name, p.name)
		}
	}
	seen := map[string]bool{}
	for _, p := range append(append([]param{}, sc.keys...), sc.args...) {
		if seen[p.name] {
			return nil, fmt.Errorf("script %s: %s declared twice", name, p.name)
		}
		seen[p.name] = true
	}
	var code strings.Builder
	for _, lib := range spec.libs {
		ls, ok := luaLibs[lib]
		if !ok {
			return nil, fmt.Errorf("script %s: unknown library %s", name, lib)
		}
		if missing := notIn(ls.keys, spec.keys); missing != "" {
			return nil, fmt.Errorf("script %s: library %s uses key %s", name, lib, missing)
		}
		if missing := notIn(ls.args, spec.args); missing != "" {
			return nil, fmt.Errorf("script %s: library %s uses argument %s", name, lib, missing)
		}
		code.WriteString(mustReadLua(lib))
	}
	code.WriteString(body)
	sc.code = code.String()
	sc.src = sc.prologue() + sc.code
	sc.Script = redis.NewScript(sc.src)
	return sc, nil
}

func mustReadLua(name string) string {
	b, err := luaFiles.ReadFile("lua/" + name + ".lua")
	if err != nil {
		panic(fmt.Sprintf("store: lua script %s: %v", name, err))
	}
	return string(b)
}

// notIn returns the first of want missing from have, or "".
func notIn(want, have []string) string {
	for _, w := range want {
		found := false
		for _, h := range have {
			found = found || h == w
		}
		if !found {
			return w
		}
	}
	return ""
}

// parseParams reads declarations: "name", "name#", "name[]",
// "name[f1,f2#]"; lists last.
func parseParams(decls []string) ([]param, error) {
	var out []param
	lists := false
	for _, d := range decls {
		p, err := parseParam(d)
		if err != nil {
			return nil, err
		}
		if p.list {
			lists = true
		} else if lists {
			return nil, fmt.Errorf("%s comes after a list", d)
		}
		out = append(out, p)
	}
	return out, nil
}

func parseParam(d string) (param, error) {
	var p param
	if open := strings.IndexByte(d, '['); open >= 0 {
		if !strings.HasSuffix(d, "]") {
			return p, fmt.Errorf("bad declaration %q", d)
		}
		p.list = true
		if inner := d[open+1 : len(d)-1]; inner != "" {
			for _, f := range strings.Split(inner, ",") {
				fp, err := parseParam(strings.TrimSpace(f))
				if err != nil || fp.list {
					return p, fmt.Errorf("bad field in %q", d)
				}
				p.fields = append(p.fields, fp)
			}
		}
		d = d[:open]
	} else if strings.HasSuffix(d, "#") {
		p.number = true
		d = strings.TrimSuffix(d, "#")
	}
	if !identRe.MatchString(d) || luaReserved[d] {
		return p, fmt.Errorf("bad name %q (a Lua identifier, not starting with _, not a keyword)", d)
	}
	p.name = d
	return p, nil
}

// prologue is the Lua that binds the declared names: see bind for the
// order of KEYS and ARGV.
func (sc *script) prologue() string {
	var b strings.Builder
	fmt.Fprintf(&b, "-- Generated from the declaration of script %s (store/script.go).\n", sc.name)
	nlists := 0
	for _, p := range append(append([]param{}, sc.keys...), sc.args...) {
		if p.list {
			nlists++
		}
	}
	value := func(p param, v string) string {
		if p.number {
			return "tonumber(" + v + ")"
		}
		return v
	}
	count := 0 // lists bound so far
	bindAll := func(ps []param, table string, first int) {
		i := first
		cursor := false
		for _, p := range ps {
			if !p.list {
				fmt.Fprintf(&b, "local %s = %s\n", p.name, value(p, fmt.Sprintf("%s[%d]", table, i+1)))
				i++
				continue
			}
			count++
			if !cursor {
				fmt.Fprintf(&b, "_at = %d\n", i)
				cursor = true
			}
			fmt.Fprintf(&b, "local %s = {}\n", p.name)
			fmt.Fprintf(&b, "for i = 1, tonumber(ARGV[%d]) do\n", count)
			if p.fields == nil {
				fmt.Fprintf(&b, "  %s[i] = %s[_at + i]\n", p.name, table)
				fmt.Fprintf(&b, "end\n_at = _at + #%s\n", p.name)
				continue
			}
			fs := make([]string, len(p.fields))
			for j, f := range p.fields {
				fs[j] = fmt.Sprintf("%s = %s", f.name, value(f, fmt.Sprintf("%s[_at + %d]", table, j+1)))
			}
			fmt.Fprintf(&b, "  %s[i] = {%s}\n", p.name, strings.Join(fs, ", "))
			fmt.Fprintf(&b, "  _at = _at + %d\nend\n", len(p.fields))
		}
	}
	if nlists > 0 {
		b.WriteString("local _at\n")
	}
	bindAll(sc.keys, "KEYS", 0)
	bindAll(sc.args, "ARGV", nlists)
	return b.String()
}

// bind orders the keys and arguments of one call as the prologue reads
// them: KEYS are the single keys, then each list of keys; ARGV the length
// of each list (keys' lists first), then the single arguments, then each
// list of arguments (a record's fields in declared order).
func (sc *script) bind(keys, args names) ([]string, []any, error) {
	var ks []string
	var counts, single, lists []any
	for _, p := range sc.keys {
		v, ok := keys[p.name]
		if !ok {
			return nil, nil, fmt.Errorf("script %s: key %s missing", sc.name, p.name)
		}
		switch v := v.(type) {
		case string:
			if p.list {
				return nil, nil, fmt.Errorf("script %s: key %s is a list", sc.name, p.name)
			}
			ks = append(ks, v)
		case []string:
			if !p.list {
				return nil, nil, fmt.Errorf("script %s: key %s is a single key", sc.name, p.name)
			}
			counts = append(counts, len(v))
			ks = append(ks, v...)
		default:
			return nil, nil, fmt.Errorf("script %s: key %s is a %T", sc.name, p.name, v)
		}
	}
	for _, p := range sc.args {
		v, ok := args[p.name]
		if !ok {
			return nil, nil, fmt.Errorf("script %s: argument %s missing", sc.name, p.name)
		}
		if !p.list {
			single = append(single, v)
			continue
		}
		switch v := v.(type) {
		case []string:
			if p.fields != nil {
				return nil, nil, fmt.Errorf("script %s: argument %s is a list of records", sc.name, p.name)
			}
			counts = append(counts, len(v))
			for _, x := range v {
				lists = append(lists, x)
			}
		case []any:
			if p.fields != nil {
				return nil, nil, fmt.Errorf("script %s: argument %s is a list of records", sc.name, p.name)
			}
			counts = append(counts, len(v))
			lists = append(lists, v...)
		case []names:
			if p.fields == nil {
				return nil, nil, fmt.Errorf("script %s: argument %s is a list of values", sc.name, p.name)
			}
			counts = append(counts, len(v))
			for _, rec := range v {
				for _, f := range p.fields {
					x, ok := rec[f.name]
					if !ok {
						return nil, nil, fmt.Errorf("script %s: field %s of %s missing", sc.name, f.name, p.name)
					}
					lists = append(lists, x)
				}
			}
		default:
			return nil, nil, fmt.Errorf("script %s: argument %s is a %T, not a list", sc.name, p.name, v)
		}
	}
	out := make([]any, 0, len(counts)+len(single)+len(lists))
	out = append(append(append(out, counts...), single...), lists...)
	return ks, out, nil
}

// failed is a command that failed before it was sent.
func failed(ctx context.Context, err error) *redis.Cmd {
	cmd := redis.NewCmd(ctx)
	cmd.SetErr(err)
	return cmd
}

// run runs the script (EVALSHA, then EVAL when the server does not have
// it cached).
func (sc *script) run(ctx context.Context, c redis.Scripter, keys, args names) *redis.Cmd {
	k, a, err := sc.bind(keys, args)
	if err != nil {
		return failed(ctx, err)
	}
	return sc.Run(ctx, c, k, a...)
}

// runRO is run for a read-only script (EVALSHA_RO).
func (sc *script) runRO(ctx context.Context, c redis.Scripter, keys, args names) *redis.Cmd {
	k, a, err := sc.bind(keys, args)
	if err != nil {
		return failed(ctx, err)
	}
	return sc.RunRO(ctx, c, k, a...)
}

// evalSha queues the script by its hash only (in a pipeline, after Load).
func (sc *script) evalSha(ctx context.Context, c redis.Scripter, keys, args names) *redis.Cmd {
	k, a, err := sc.bind(keys, args)
	if err != nil {
		return failed(ctx, err)
	}
	return sc.EvalSha(ctx, c, k, a...)
}
