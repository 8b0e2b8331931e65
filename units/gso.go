package units

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// RootCode is the code of the national root above the provinces.
const RootCode = "VN"

// gsoFile is the GSO catalogue export: provinces (level 1) with their
// districts (level 2) and communes (level 3).
type gsoFile struct {
	Data []struct {
		ID      string          `json:"level1_id"`
		Name    string          `json:"name"`
		Type    string          `json:"type"`
		Merges  json.RawMessage `json:"merges"`
		Level2s []struct {
			ID      string `json:"level2_id"`
			Name    string `json:"name"`
			Type    string `json:"type"`
			Level3s []struct {
				ID   string `json:"level3_id"`
				Name string `json:"name"`
				Type string `json:"type"`
			} `json:"level3s"`
		} `json:"level2s"`
	} `json:"data"`
	DataDate string `json:"data_date"`
}

// Level names of each tier of the GSO catalogue.
var (
	provinceLevels = []string{"thành phố", "tỉnh"}
	districtLevels = []string{"thành phố", "thị xã", "huyện", "quận"}
	communeLevels  = []string{"thị trấn", "phường", "xã"}
	// Since 1 July 2025 the communes of the two-tier tree are xã, phường
	// and đặc khu (special zones: islands).
	commune2025Levels = []string{"đặc khu", "phường", "xã"}
)

// ParseGSO reads the GSO catalogue export ("data": provinces with
// "level2s" and "level3s", and "data_date"). The names there carry the type
// word ("Xã Bản Giang"); it becomes the unit's Level ("xã") and the Name
// keeps the rest ("Bản Giang"), every word with a capital first letter
// (the catalogue's "Pa ủ" is "Pa Ủ"). Where the name starts with another type
// word of the same tier than the type column says (the catalogue has
// "Phường 5" typed "Xã"), the name is believed. A root VN, "Ban Chỉ đạo
// Quốc gia", is placed above the provinces.
//
// The two-tier form of the units in force since 1 July 2025 (the merges
// file of dvhcvn/20250701: provinces with "merges" and "level2s" that are
// communes, no "type" columns) is told apart by its "merges": its level-2
// units are then communes, wards and special zones under their province.
func ParseGSO(data []byte, source string) (*Tree, error) {
	var f gsoFile
	if err := json.Unmarshal(bytes.TrimPrefix(data, []byte("\ufeff")), &f); err != nil {
		return nil, &InvalidError{Source: source, Problems: []Problem{{Message: msgNotGSO + ": " + err.Error()}}}
	}
	if f.Data == nil {
		return nil, &InvalidError{Source: source, Problems: []Problem{{Message: msgNoGSOData}}}
	}
	n := 1
	for _, p := range f.Data {
		n++
		for _, d := range p.Level2s {
			n += 1 + len(d.Level3s)
		}
	}
	raws := make([]rawUnit, 0, n)
	raws = append(raws, rawUnit{Code: RootCode, Name: msgRootName, Level: msgRootLevel})
	add := func(code, name, typ, parent string, tier []string) {
		name, level := splitType(name, typ, tier)
		raws = append(raws, rawUnit{Code: code, Name: properName(name), Level: level, Parent: parent})
	}
	twoTier := false
	for _, p := range f.Data {
		if p.Merges != nil {
			twoTier = true
		}
	}
	tier2 := districtLevels
	if twoTier {
		tier2 = commune2025Levels
	}
	for _, p := range f.Data {
		add(p.ID, p.Name, p.Type, RootCode, provinceLevels)
		for _, d := range p.Level2s {
			add(d.ID, d.Name, d.Type, p.ID, tier2)
			for _, c := range d.Level3s {
				add(c.ID, c.Name, c.Type, d.ID, communeLevels)
			}
		}
	}
	o := origin{source: source, dataDate: strings.TrimSpace(f.DataDate)}
	return build(raws, o, nil)
}

// splitType turns a GSO name and type into a name without type word and a
// level. "Thành phố Trung ương" is the level "thành phố".
func splitType(name, typ string, tier []string) (string, string) {
	name = cleanName(name)
	level := cleanLevel(typ)
	if strings.HasPrefix(level, "thành phố") {
		level = "thành phố"
	}
	if rest, ok := cutTypeWord(name, level); ok {
		return rest, level
	}
	for _, l := range tier {
		if rest, ok := cutTypeWord(name, l); ok {
			return rest, l
		}
	}
	return name, level
}

// cutTypeWord removes the type word level from the start of name, in any
// case; it fails when name does not start with it or is nothing more.
func cutTypeWord(name, level string) (string, bool) {
	nw, lw := strings.Fields(name), strings.Fields(level)
	if level == "" || len(nw) <= len(lw) {
		return "", false
	}
	if normalize(strings.Join(nw[:len(lw)], " ")) != normalize(level) {
		return "", false
	}
	return strings.Join(nw[len(lw):], " "), true
}

// Parse reads a units file of either format, told apart by content: a JSON
// object with a "data" member is the GSO export, anything else is YAML of
// the project's own format.
func Parse(data []byte, source string) (*Tree, error) {
	if isGSO(data) {
		return ParseGSO(data, source)
	}
	return ParseYAML(data, source)
}

func isGSO(data []byte) bool {
	data = bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(data) == 0 || data[0] != '{' {
		return false
	}
	var probe struct {
		Data json.RawMessage `json:"data"`
	}
	return json.Unmarshal(data, &probe) == nil && probe.Data != nil
}

// LoadFile reads the units file at path, in either format (see Parse).
func LoadFile(path string) (*Tree, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load units %s: %w", path, err)
	}
	return Parse(data, path)
}
