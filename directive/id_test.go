package directive

import "testing"

func TestFormatID(t *testing.T) {
	tests := []struct {
		unit string
		seq  int64
		want string
	}{
		{"12", 42, "CD-12-0042"},
		{"03418", 1, "CD-03418-0001"},
		{"VN", 12345, "CD-VN-12345"},
		{"vn", 7, "CD-VN-0007"},
		{"chốt 1}", 3, "CD-CH_T_1_-0003"},
		{"", 1, "CD-_-0001"},
	}
	for _, tt := range tests {
		if got := FormatID(tt.unit, tt.seq); got != tt.want {
			t.Errorf("FormatID(%q, %d) = %q, want %q", tt.unit, tt.seq, got, tt.want)
		}
	}
}

func TestParseID(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"CD-12-0042", "CD-12-0042", true},
		{"cd-12-42", "CD-12-0042", true},
		{" cd 12 0042 ", "CD-12-0042", true},
		{"CD12-0042", "CD-12-0042", true},
		{"cd-vn-12345", "CD-VN-12345", true},
		{"CD-03418-0001", "CD-03418-0001", true},
		{"CD-12", "", false},
		{"12-0042", "", false},
		{"CD--0042", "", false},
		{"CD-12-00x2", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := ParseID(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseID(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	// Every formatted id reads back as itself.
	for _, unit := range []string{"12", "106", "03418", "VN", "a.b_c"} {
		id := FormatID(unit, 99)
		if back, ok := ParseID(id); !ok || back != id {
			t.Errorf("ParseID(FormatID(%q)) = %q, %v", unit, back, ok)
		}
	}
}
