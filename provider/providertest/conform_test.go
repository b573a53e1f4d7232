package providertest_test

import (
	"testing"

	"github.com/certbroker/certbroker/provider/providertest"
)

func TestFakeConforms(t *testing.T) {
	t.Parallel()
	providertest.Run(t, func(t *testing.T) providertest.Harness {
		return providertest.NewFakeHarness()
	})
}
