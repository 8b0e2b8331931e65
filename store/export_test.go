package store

import (
	"context"
	"io/fs"
	"strings"

	"github.com/redis/go-redis/v9"
)

// ScriptInfo is a declared script as the tests of store_test see it.
type ScriptInfo struct {
	Name string
	// Code is the script's libraries and its own file; Src the whole text
	// run (the generated prologue, then Code).
	Code, Src string
	Hash      string
	// Names are the declared keys and arguments (lists by their name),
	// Fields the fields of its lists of records.
	Names, Fields []string
}

// Scripts lists every declared script.
func Scripts() []ScriptInfo {
	out := make([]ScriptInfo, 0, len(scripts))
	for _, sc := range scripts {
		in := ScriptInfo{Name: sc.name, Code: sc.code, Src: sc.src, Hash: sc.Hash()}
		for _, p := range append(append([]param{}, sc.keys...), sc.args...) {
			in.Names = append(in.Names, p.name)
			for _, f := range p.fields {
				in.Fields = append(in.Fields, f.name)
			}
		}
		out = append(out, in)
	}
	return out
}

// LuaLibs names the library files.
func LuaLibs() []string {
	var out []string
	for name := range luaLibs {
		out = append(out, name)
	}
	return out
}

// LuaFiles names the files of lua/, without ".lua".
func LuaFiles() ([]string, error) {
	ents, err := fs.ReadDir(luaFiles, "lua")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		out = append(out, strings.TrimSuffix(e.Name(), ".lua"))
	}
	return out, nil
}

// TestNames are the keys or arguments of a call of RunTestScript.
type TestNames = names

// RunTestScript builds a script of body declared with keys and args, and
// runs it with k and a.
func RunTestScript(ctx context.Context, c redis.Scripter, body string, keys, args []string, k, a TestNames) (*redis.Cmd, error) {
	sc, err := buildScript("test", scriptSpec{keys: keys, args: args}, body)
	if err != nil {
		return nil, err
	}
	return sc.run(ctx, c, k, a), nil
}
