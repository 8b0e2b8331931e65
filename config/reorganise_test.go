package config

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/chihuy/chihuy"
	"github.com/chihuy/chihuy/units"
)

func TestUnitsAndReorganiseKeys(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, yaml string
		units      string
		re         *Reorganise
		wantErr    []string
	}{
		{"built-in name kept", "units: gso-2025-07\n", units.TreeJuly2025, nil, nil},
		{"file resolved", "units: ./u.yaml\n", filepath.Join(dir, "u.yaml"), nil, nil},
		{"reorganise", "reorganise: {to: gso-2025-07, mapping: builtin, effective: \"2025-07-01\"}\n", "",
			&Reorganise{To: units.TreeJuly2025, Mapping: MappingBuiltin, Effective: chihuy.Day{Year: 2025, Month: 7, Day: 1}, Line: 1}, nil},
		{"reorganise default mapping, mapping file", "reorganise:\n  to: gso-2025-07\n  effective: 2025-07-01\n", "",
			&Reorganise{To: units.TreeJuly2025, Mapping: MappingBuiltin, Effective: chihuy.Day{Year: 2025, Month: 7, Day: 1}, Line: 2}, nil},
		{"mapping file", "reorganise: {to: ./new.yaml, mapping: m.json, effective: 2025-07-01}\n", "",
			&Reorganise{To: filepath.Join(dir, "new.yaml"), Mapping: filepath.Join(dir, "m.json"), Effective: chihuy.Day{Year: 2025, Month: 7, Day: 1}, Line: 1}, nil},
		{"bad date", "reorganise: {to: gso-2025-07, effective: 01/07/2025}\n", "", nil, []string{"reorganise.effective", "01/07/2025"}},
		{"missing keys", "reorganise: {mapping: builtin, when: x}\n", "", nil, []string{"reorganise.to: thiếu", "reorganise.effective: thiếu", "reorganise.when"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, "c.yaml")
			writeFile(t, path, tt.yaml)
			c, err := Load(envOf(map[string]string{"CHIHUY_CONFIG": path}))
			if tt.wantErr != nil {
				if err == nil {
					t.Fatal("loaded")
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error lacks %q: %v", w, err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Units != tt.units {
				t.Errorf("Units = %q, want %q", c.Units, tt.units)
			}
			switch {
			case tt.re == nil && c.Reorganise != nil:
				t.Errorf("Reorganise = %+v", c.Reorganise)
			case tt.re != nil && (c.Reorganise == nil || *c.Reorganise != *tt.re):
				t.Errorf("Reorganise = %+v, want %+v", c.Reorganise, tt.re)
			}
		})
	}
}

func TestCheckReorganise(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.yaml")
	writeFile(t, path, "reorganise: {to: gso-2025-07, effective: 2025-07-01}\n")
	c, err := Load(envOf(map[string]string{"CHIHUY_CONFIG": path}))
	if err != nil {
		t.Fatal(err)
	}
	tree, err := c.LoadUnits()
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := Check(c, tree, &out); err != nil {
		t.Fatalf("Check: %v", err)
	}
	if want := "Sắp xếp lại: sang gso-2025-07 (quốc gia: 1, tỉnh/thành phố: 34, xã/phường/đặc khu: 3321) từ ngày 01/07/2025 (bảng sáp nhập: dựng sẵn)"; !strings.Contains(out.String(), want) {
		t.Errorf("check lacks %q:\n%s", want, out.String())
	}
	writeFile(t, path, "reorganise: {to: ./none.yaml, mapping: none.json, effective: 2025-07-01}\n")
	if c, err = Load(envOf(map[string]string{"CHIHUY_CONFIG": path})); err != nil {
		t.Fatal(err)
	}
	err = Validate(c, tree)
	if err == nil || !strings.Contains(err.Error(), "reorganise.to") || !strings.Contains(err.Error(), "không đọc được tệp sáp nhập") {
		t.Errorf("Validate: %v", err)
	}
}
