package store_test

import (
	"testing"

	"github.com/chihuy/chihuy/internal/redistest"
)

// TestMain runs the whole store suite on redis-server and on the embedded
// store (SPEC §11: the embedded store is the same product).
func TestMain(m *testing.M) { redistest.Main(m) }
