package report

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/chihuy/chihuy/dataset"
	"github.com/chihuy/chihuy/vntext"
)

// fakeUnits recognises a handful of unit names the way the units package
// does: by code, or by name without diacritics, case or type word. Units
// of another district are outside the sender's subtree: naming one
// refuses the message.
type fakeUnits struct {
	codes   map[string]string // code → name
	names   map[string]string // folded name, with or without type word → code
	first   map[string]bool   // first folded word of codes and names
	outside map[string]bool   // codes outside the sender's subtree
}

func newFakeUnits() *fakeUnits {
	u := &fakeUnits{codes: map[string]string{}, names: map[string]string{}, first: map[string]bool{}, outside: map[string]bool{"03310": true}}
	for _, e := range []struct{ code, name string }{
		{"03310", "xã Thu Lũm"},
		{"12", "tỉnh Lai Châu"},
		{"106", "huyện Tân Uyên"},
		{"03418", "xã Bản Giang"},
		{"03421", "xã Bản Hon"},
		{"03598", "thị trấn Tân Uyên"},
		{"03604", "xã Phúc Khoa"},
		{"03616", "xã Trung Đồng"},
		{"03619", "xã Mường Khoa"},
		{"03625", "xã Hố Mít"},
	} {
		u.codes[e.code] = e.name
		u.names[strings.Join(dataset.Words(e.name), " ")] = e.code
		bare := strings.Join(dataset.Words(stripType(e.name)), " ")
		if _, taken := u.names[bare]; !taken {
			u.names[bare] = e.code
		}
		u.first[e.code] = true
		u.first[dataset.Words(e.name)[0]] = true
		u.first[dataset.Words(stripType(e.name))[0]] = true
	}
	return u
}

var typeWords = []string{"thị trấn", "tỉnh", "huyện", "xã", "phường"}

func stripType(name string) string {
	for _, t := range typeWords {
		if rest, ok := strings.CutPrefix(name, t+" "); ok {
			return rest
		}
	}
	return name
}

// FindPrefix matches the longest known name (with or without its type
// word), or a code, at the start of text, ending at a word boundary.
func (u *fakeUnits) FindPrefix(text string) (UnitMatch, bool) {
	code, name, n, ok := u.findPrefix(text)
	if ok && u.outside[code] {
		return UnitMatch{N: n, Refuse: "'" + text[:n] + "' ngoài phạm vi: " + name + " (" + code + ")"}, true
	}
	return UnitMatch{Code: code, Name: name, N: n}, ok
}

func (u *fakeUnits) findPrefix(text string) (code, name string, n int, ok bool) {
	// most words start no name: answer those without allocating
	var buf [32]byte
	k := 0
	for _, r := range text {
		if !dataset.IsWordRune(r) || k > len(buf)-utf8.UTFMax {
			break
		}
		if !unicode.Is(unicode.Mn, r) {
			k += utf8.EncodeRune(buf[k:], vntext.FoldRune(r))
		}
	}
	if !u.first[string(buf[:k])] {
		return "", "", 0, false
	}
	// folded words of text with the byte offset where each ends
	type word struct {
		fold string
		end  int
	}
	var words []word
	var b strings.Builder
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !dataset.IsWordRune(r) {
			if b.Len() > 0 {
				words = append(words, word{b.String(), i})
				b.Reset()
			}
			if r == ':' || r == ',' || len(words) >= 6 {
				break
			}
			i += size
			continue
		}
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(vntext.FoldRune(r))
		}
		i += size
		if i == len(text) {
			words = append(words, word{b.String(), i})
		}
	}
	if len(words) == 0 {
		return "", "", 0, false
	}
	if nm, ok := u.codes[words[0].fold]; ok {
		return words[0].fold, nm, words[0].end, true
	}
	for end := len(words); end > 0; end-- {
		var parts []string
		for _, w := range words[:end] {
			parts = append(parts, w.fold)
		}
		if c, ok := u.names[strings.Join(parts, " ")]; ok {
			return c, u.codes[c], words[end-1].end, true
		}
	}
	return "", "", 0, false
}
