// Package units owns the tree of administrative units the bot mirrors:
// a national or local root, provinces, districts, communes and anything
// below them (checkpoints, villages). It loads the tree, validates it,
// answers structural questions (ancestors, subtree membership, shards)
// and recognises units named in text, with or without diacritics and type
// words ("xã Bản Giang", "ban giang", "03418").
//
// A Tree is immutable once built and safe for concurrent use. Units are
// shared pointers into it: read them, never modify them.
//
// # Sources
//
// Builtin returns the national tree embedded in the binary: the root VN
// ("Ban Chỉ đạo Quốc gia", level "quốc gia") above the 63 provinces,
// 696 districts and 10,047 communes of the GSO catalogue dated 01/03/2025.
// LoadFile reads a units file and tells its format by content: the GSO
// JSON export (an object with "data" and "data_date") or YAML of the
// project's own format below. Subtree keeps one unit and everything under
// it, re-rooted (the configuration's "root:" option).
//
// # The YAML format
//
// A units file lists units; order does not matter and a unit may come
// before its parent. Exactly one unit has no parent: the root of the file,
// which need not be national.
//
//	source: Ban Chỉ đạo tỉnh Lai Châu   # optional, shown by "chihuy check"
//	data_date: 08/11/2021                # optional, likewise
//	units:
//	  - code: "12"              # required; letters, digits, "-", "_", "."
//	    name: Lai Châu           # required; without the type word
//	    level: tỉnh              # tỉnh, huyện, xã, chốt …; used as type word
//	    population:              # optional, for coverage rates
//	      total: 460196
//	      adults: 291000         # 18 and over
//	      age_12_17: 52000
//	      age_5_11: 61000
//	  - {code: "106", name: Tam Đường, level: huyện, parent: "12"}
//	  - {code: "03418", name: Bản Giang, level: xã, parent: "106"}
//	  - code: C03418-1
//	    name: Km 5 Bản Giang
//	    level: chốt
//	    parent: "03418"
//	    aliases: [Chốt Km5]     # further names the unit answers to
//
// The top level may also be the bare list (without "source:" and
// "units:"). Codes are read as written, so quote them or not: 03418 stays
// "03418". A file with any defect (empty or duplicate code, empty name,
// unknown parent, a cycle, no root or several roots) is refused as a
// whole with an *InvalidError listing every defect with its line.
//
// # Names
//
// Names are matched on their folded form (vntext.Fold: no diacritics,
// lower case, đ → d), with punctuation and repeated spaces ignored and
// apostrophes joining ("Cư M'gar" = "cu mgar"). A query may start with a
// type word, written in full or abbreviated (xã/x., phường/p., thị trấn/tt,
// huyện/h., quận/q., thị xã/tx, thành phố/tp, tỉnh, or any level name
// present in the tree); the type word then narrows the candidates to that
// level. Several units may share a name: lookups return all of them and
// the caller asks the user to choose by code.
package units
