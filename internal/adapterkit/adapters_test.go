package adapterkit_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/certbroker/certbroker/alibaba"
	"github.com/certbroker/certbroker/huawei"
	"github.com/certbroker/certbroker/provider"
)

// TestAdaptersRefuseZeroConfigAlike: a bad configuration is one
// *provider.Error of kind invalid_argument on one line, with the same
// shape from every adapter.
func TestAdaptersRefuseZeroConfigAlike(t *testing.T) {
	t.Parallel()
	news := map[string]func() error{
		"alibaba": func() error { _, err := alibaba.New(alibaba.Config{}); return err },
		"huawei":  func() error { _, err := huawei.New(huawei.Config{}); return err },
	}
	for cloud, newAdapter := range news {
		err := newAdapter()
		var pe *provider.Error
		if !errors.As(err, &pe) || pe.Kind != provider.KindInvalidArgument || strings.Contains(err.Error(), "\n") ||
			pe.Origin != cloud || !strings.HasPrefix(pe.Message, "invalid config: ") {
			t.Errorf("%s.New(Config{}) = %v; want one line, kind invalid_argument, origin %s", cloud, err, cloud)
		}
	}
}
