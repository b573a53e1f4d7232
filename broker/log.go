package broker

import (
	"context"
	"log/slog"
	"time"

	"github.com/certbroker/certbroker/provider"
)

// Log records use these keys; values are IDs, kinds, codes and request IDs
// only: never a CSR, tags or anything from a provider's configuration.

func (b *Broker) debugEnabled(ctx context.Context) bool {
	return b.cfg.logger.Enabled(ctx, slog.LevelDebug)
}

// logAttempt records one call at Debug.
func (b *Broker) logAttempt(ctx context.Context, ref provider.Ref, op provider.Op, attempt int, d time.Duration, res *provider.Result, perr *provider.Error) {
	if perr == nil {
		b.cfg.logger.LogAttrs(ctx, slog.LevelDebug, "certbroker: call succeeded",
			slog.String("origin", res.Origin), slog.String("op", string(op)), slog.String("id", ref.ID),
			slog.Int("attempt", attempt), slog.Duration("duration", d),
			slog.String("state", res.State.String()), slog.String("request_id", res.RequestID))
		return
	}
	b.cfg.logger.LogAttrs(ctx, slog.LevelDebug, "certbroker: call failed",
		slog.String("origin", perr.Origin), slog.String("op", string(op)), slog.String("id", ref.ID),
		slog.Int("attempt", attempt), slog.Duration("duration", d),
		slog.String("kind", perr.Kind.String()), slog.String("code", perr.Code),
		slog.String("request_id", perr.RequestID), slog.Int("http_status", perr.HTTPStatus),
		slog.String("error", perr.Error()))
}

// logRetry records, at Info, that a failed attempt will be retried.
func (b *Broker) logRetry(ctx context.Context, origin string, op provider.Op, id string, attempt int, backoff time.Duration, perr *provider.Error) {
	b.cfg.logger.LogAttrs(ctx, slog.LevelInfo, "certbroker: retrying",
		slog.String("origin", origin), slog.String("op", string(op)), slog.String("id", id),
		slog.Int("attempt", attempt), slog.Duration("backoff", backoff),
		slog.String("kind", perr.Kind.String()), slog.String("code", perr.Code),
		slog.String("request_id", perr.RequestID))
}

// logRate records, at Info, that an origin was slowed down.
func (b *Broker) logRate(ctx context.Context, origin string, op provider.Op, perSecond float64) {
	b.cfg.logger.LogAttrs(ctx, slog.LevelInfo, "certbroker: throttled; rate lowered",
		slog.String("origin", origin), slog.String("op", string(op)), slog.Float64("rate", perSecond))
}

// logReconciled records, at Info, that a retry found the operation done.
func (b *Broker) logReconciled(ctx context.Context, origin string, op provider.Op, id string, st provider.State) {
	b.cfg.logger.LogAttrs(ctx, slog.LevelInfo, "certbroker: already done after an unknown outcome",
		slog.String("origin", origin), slog.String("op", string(op)), slog.String("id", id),
		slog.String("state", st.String()))
}
