// Command gengso derives the compact national tree that package units
// embeds (vn.tsv.gz) from the GSO catalogue export of administrative
// units (the JSON with "data", "level2s", "level3s" and "data_date"):
//
//	go run ./units/internal/gengso -in dvhcvn.json -out units/vn.tsv.gz
//
// It reads the export with units.ParseGSO, so the embedded tree is exactly
// what loading the JSON file gives, and refuses data whose date is not the
// one the units package declares (units.BuiltinDataDate): update that
// constant together with the data.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/chihuy/chihuy/units"
)

func main() {
	in := flag.String("in", "", "GSO catalogue export (JSON)")
	out := flag.String("out", "vn.tsv.gz", "compact tree to write")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gengso:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	if in == "" {
		return errors.New("-in: name the GSO catalogue export (JSON)")
	}
	data, err := os.ReadFile(in)
	if err != nil {
		return fmt.Errorf("read %s: %w", in, err)
	}
	buf, err := generate(data)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	if err := os.WriteFile(out, buf, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	return nil
}

// generate turns a GSO export into the compact form.
func generate(data []byte) ([]byte, error) {
	tree, err := units.ParseGSO(data, units.BuiltinSource)
	if err != nil {
		return nil, err
	}
	if tree.DataDate() != units.BuiltinDataDate {
		return nil, fmt.Errorf("data date %q, want %q (update units.BuiltinDataDate with the data)",
			tree.DataDate(), units.BuiltinDataDate)
	}
	var buf bytes.Buffer
	if err := tree.WriteCompact(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
