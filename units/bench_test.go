package units

import "testing"

// BenchmarkBuiltin measures building the national tree from the embedded
// data (what Builtin does once per process).
func BenchmarkBuiltin(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		tree, err := loadBuiltin()
		if err != nil || tree.Len() != 10807 {
			b.Fatalf("loadBuiltin: %v", err)
		}
	}
}

func BenchmarkLookup(b *testing.B) {
	tree := builtinTree(b)
	for _, q := range []string{"03418", "xa ban giang", "xã Tân Thành", "TT Tân Uyên"} {
		b.Run(q, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if len(tree.Lookup(q)) == 0 {
					b.Fatal("not found")
				}
			}
		})
	}
}

func BenchmarkFindPrefix(b *testing.B) {
	tree := builtinTree(b)
	for _, text := range []string{"xã Bản Giang: F0 2 F1 25 cách ly tập trung 15", "F0: 3 (cộng đồng 1), F1 25, F2 40"} {
		b.Run(text[:8], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				tree.FindPrefix(text)
			}
		})
	}
}

func BenchmarkWithin(b *testing.B) {
	tree := builtinTree(b)
	b.ReportAllocs()
	for b.Loop() {
		if !tree.Within("03418", "12") {
			b.Fatal("not within")
		}
	}
}

// BenchmarkJuly2025 measures building the two-tier tree of July 2025 from
// the embedded data (what July2025 does once per process), and reading the
// built-in mapping from the March tree.
func BenchmarkJuly2025(b *testing.B) {
	b.Run("tree", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			tree, err := loadJuly2025()
			if err != nil || tree.Len() != 3356 {
				b.Fatalf("loadJuly2025: %v", err)
			}
		}
	})
	b.Run("mapping", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			data, err := gunzip(july2025Merges)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := parseCompactMapping(data, "x"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
