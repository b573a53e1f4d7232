package broker_test

import (
	"context"
	"iter"

	"github.com/certbroker/certbroker/broker"
	"github.com/certbroker/certbroker/provider"
)

func advStatus(b *broker.Broker, ctx context.Context, r provider.Ref) (*broker.Result, error) {
	return b.Status(ctx, r.Origin, provider.StatusRequest{ID: r.ID})
}
func advCancel(b *broker.Broker, ctx context.Context, r provider.Ref) (*broker.Result, error) {
	return b.Cancel(ctx, r.Origin, provider.CancelRequest{ID: r.ID})
}
func advRenew(b *broker.Broker, ctx context.Context, r provider.Ref) (*broker.Result, error) {
	return b.Renew(ctx, r.Origin, provider.RenewRequest{ID: r.ID})
}
func advDo(b *broker.Broker, ctx context.Context, op provider.Op, refs []provider.Ref, o broker.BulkOptions) ([]broker.Item, error) {
	return b.Do(ctx, provider.NewRequest(op, "", provider.RequestInputs{}), refs, o)
}
func advStream(b *broker.Broker, ctx context.Context, op provider.Op, refs iter.Seq[provider.Ref], o broker.BulkOptions, emit func(broker.Item)) error {
	return b.Stream(ctx, provider.NewRequest(op, "", provider.RequestInputs{}), refs, o, emit)
}
