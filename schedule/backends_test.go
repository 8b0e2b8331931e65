package schedule_test

import (
	"testing"

	"github.com/chihuy/chihuy/internal/redistest"
)

// TestMain runs the package's tests on redis-server and again on the
// embedded store (SPEC §11: the embedded store is the same product).
func TestMain(m *testing.M) { redistest.Main(m) }
