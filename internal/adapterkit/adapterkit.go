// Package adapterkit holds the duties every cloud adapter has and that
// are the same for all clouds, written once: the pre-send checks of a
// request (its type, its ID, a live context), stamping the adapter's
// op, origin and ID on errors and results, the canceled-before-send
// error, the configuration error, the per-request timeout error,
// redaction of secrets and cleaning of the cloud's messages, and the one
// debug log record per request. An adapter keeps only its cloud: how to
// call it, its codes and its states.
//
// The package is internal rather than a public portable wrapper in the
// go-cloud style because the portable type already exists:
// [provider.Provider] is the interface users program against, and the
// broker is the layer that adds behaviour around it. A wrapper type
// would stand between the two with nothing of its own to add, and would
// make every adapter's quirks (Alibaba's pool, Huawei's optional
// renewal) pass through a lowest-common-denominator API. Kept internal,
// the kit can change with the adapters in one commit.
package adapterkit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/certbroker/certbroker/internal/classify"
	"github.com/certbroker/certbroker/provider"
)

// MaxMessageLen bounds, in bytes, the cloud's text (a message, a body, a
// cause) kept in an error's Message.
const MaxMessageLen = 512

// Redacted replaces a secret wherever an adapter prints one.
const Redacted = "[REDACTED]"

// RedactIfSet returns "" for an empty s and Redacted otherwise, so that
// a printed configuration still shows whether a secret was given.
func RedactIfSet(s string) string {
	if s == "" {
		return ""
	}
	return Redacted
}

// MaskKeyID shows enough of an access key ID to recognise it in a log
// (its first four characters) and no more.
func MaskKeyID(id string) string {
	if len(id) <= 4 {
		return RedactIfSet(id)
	}
	return id[:4] + "****"
}

// Truncate cuts s to at most n bytes, at a UTF-8 boundary, and marks the
// cut with "…".
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// CleanMessage makes the cloud's text fit one line of an error: control
// characters and runs of white space become one space, and the result is
// cut at MaxMessageLen.
func CleanMessage(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return Truncate(strings.Join(strings.Fields(s), " "), MaxMessageLen)
}

// TimeoutError is the cause of a request that the adapter's own per-
// request timeout (Config.Timeout) ended. It reports Timeout like a
// net.Error and is deliberately not context.DeadlineExceeded: the
// caller's context did not end, so the failure stays retryable where its
// kind allows.
type TimeoutError struct {
	After time.Duration
	// Cause is the text of the failure the timeout produced, if any.
	Cause string
}

func (e *TimeoutError) Error() string {
	msg := "no response within the configured timeout of " + e.After.String()
	if e.Cause != "" {
		msg += ": " + e.Cause
	}
	return msg
}

// Timeout reports true, like net.Error timeouts.
func (e *TimeoutError) Timeout() bool { return true }

// ConfigError is the error of New with a bad configuration: kind
// invalid_argument, origin the configured origin (cloud when that is not
// a valid name), and a one-line message "invalid config: " followed by
// every problem in err (an errors.Join of several included), separated
// by "; ".
func ConfigError(cloud, origin string, err error) *provider.Error {
	if pe, ok := err.(*provider.Error); ok && pe.Op == "" && pe.ID == "" {
		err = errors.New(pe.Message) // its kind and origin are restated below
	}
	if provider.ValidateOrigin(origin) != nil {
		origin = cloud
	}
	lines := strings.Split(err.Error(), "\n")
	return &provider.Error{Kind: provider.KindInvalidArgument, Origin: origin,
		Message: "invalid config: " + CleanMessage(strings.Join(lines, "; ")), Err: err}
}

// Kit is one adapter's share of the common duties. The zero Log discards.
type Kit struct {
	// Cloud names the adapter in log records ("alibaba", "huawei").
	Cloud string
	// Origin is the name stamped on every error and result.
	Origin string
	// Log receives one debug record per request.
	Log *slog.Logger
}

// Result builds the result of op on id.
func (k Kit) Result(op provider.Op, id, requestID string) *provider.Result {
	return &provider.Result{Origin: k.Origin, ID: id, Op: op, RequestID: requestID}
}

// Stamp fills e's op (when empty), origin and ID, and returns e. The ID
// is left empty when it could not be printed on one line, because a
// refused ID is not safe to echo as a field.
func (k Kit) Stamp(e *provider.Error, op provider.Op, id string) *provider.Error {
	if e.Op == "" {
		e.Op = op
	}
	e.Origin = k.Origin
	e.ID = ""
	if provider.ValidateID(id) == nil {
		e.ID = id
	}
	return e
}

// Fail builds an error of kind kind for op on id.
func (k Kit) Fail(kind provider.Kind, op provider.Op, id, msg string) *provider.Error {
	return k.Stamp(&provider.Error{Kind: kind, Message: msg}, op, id)
}

// Invalid wraps a validation failure of op on id as invalid_argument;
// err stays reachable with errors.As/Is.
func (k Kit) Invalid(op provider.Op, id string, err error) *provider.Error {
	return k.Stamp(&provider.Error{Kind: provider.KindInvalidArgument, Message: err.Error(), Err: err}, op, id)
}

// Canceled is the error of a request whose context ended before it was
// sent: kind canceled, cause err.
func (k Kit) Canceled(op provider.Op, id string, err error) *provider.Error {
	return k.Stamp(&provider.Error{Kind: provider.KindCanceled,
		Message: "the context ended before the request was sent: " + err.Error(), Err: err}, op, id)
}

// Pace waits for the broker's pacer for api (provider.Pace) and returns
// the canceled error when ctx ends first, or has already ended.
func (k Kit) Pace(ctx context.Context, op provider.Op, id, api string) *provider.Error {
	if err := provider.Pace(ctx, api); err != nil {
		return k.Canceled(op, id, err)
	}
	return nil
}

// Precheck is the check every operation and Check make before anything
// is sent: req is one of the five request types, and its ID passes
// checkID, the cloud's own rule; a failure is invalid_argument.
func (k Kit) Precheck(req provider.Request, checkID func(id string) error) *provider.Error {
	switch req.(type) {
	case provider.CancelRequest, provider.RevokeRequest, provider.DeleteRequest,
		provider.StatusRequest, provider.RenewRequest:
	case nil:
		return k.Fail(provider.KindInvalidArgument, "", "", "nil request")
	default:
		return k.Fail(provider.KindInvalidArgument, "", "", fmt.Sprintf("unsupported request type %T", req))
	}
	return k.checkID(req.Op(), req.TargetID(), checkID)
}

// CheckID is [provider.IDChecker.CheckID] for an adapter whose ID rule
// is checkID: nil, or an invalid_argument error without an op.
func (k Kit) CheckID(id string, checkID func(id string) error) error {
	if e := k.checkID("", id, checkID); e != nil {
		return e
	}
	return nil
}

func (k Kit) checkID(op provider.Op, id string, checkID func(id string) error) *provider.Error {
	err := checkID(id)
	if err == nil {
		return nil
	}
	var pe *provider.Error
	if errors.As(err, &pe) {
		out := *pe
		out.Kind, out.Op = provider.KindInvalidArgument, ""
		return k.Stamp(&out, op, id)
	}
	return k.Invalid(op, id, err)
}

// Request is what the log record says about one request.
type Request struct {
	Op  provider.Op
	ID  string
	API string
}

// Logged writes the debug record of a request that succeeded (err nil)
// or failed, and returns err. It never logs a URL, a body or a secret.
func (k Kit) Logged(ctx context.Context, r Request, start time.Time, status int, requestID string, err *provider.Error) *provider.Error {
	if k.Log == nil || !k.Log.Enabled(ctx, slog.LevelDebug) {
		return err
	}
	attrs := []slog.Attr{
		slog.String("origin", k.Origin), slog.String("op", string(r.Op)), slog.String("api", r.API),
		slog.String("id", r.ID), slog.Int("http_status", status), slog.String("request_id", requestID),
		slog.Duration("duration", time.Since(start)),
	}
	msg := k.Cloud + " request"
	if err != nil {
		msg += " failed"
		attrs = append(attrs, slog.String("kind", err.Kind.String()), slog.String("code", err.Code))
	}
	k.Log.LogAttrs(ctx, slog.LevelDebug, msg, attrs...)
	return err
}

// Lost builds the error of a request that got no usable response: x
// says how far it got (its kind comes from [classify.Transport]),
// callerErr is the caller's context error (nil when it had not ended),
// cause is the failure, and text its cleaned one-line form. A read that
// precedes a mutating operation (x.Mutating false, op.Mutating true) cut
// off by the caller is canceled: the operation itself was never sent.
func (k Kit) Lost(op provider.Op, id string, x classify.Exchange, callerErr, cause error, text string) *provider.Error {
	e := k.Stamp(&provider.Error{Kind: classify.Transport(x), Err: cause}, op, id)
	if x.CallerEnded && callerErr != nil {
		if !errors.Is(cause, callerErr) {
			e.Err = &joined{msg: callerErr.Error() + ": " + text, errs: []error{callerErr, cause}}
		}
		why := callerErr.Error()
		switch {
		case !x.MaybeSent:
			e.Message = "the context ended before the request was sent: " + why
		case !x.Mutating && op.Mutating():
			e.Kind = provider.KindCanceled
			e.Message = "the context ended during the read that precedes " + string(op) +
				"; the " + string(op) + " request itself was not sent: " + why
		case x.Mutating:
			e.Message = "the context ended after the request was sent; the cloud may have applied it: " + why
		default:
			e.Message = "the context ended while waiting for the response: " + why
		}
		return e
	}
	switch {
	case !x.Started:
		// The SDK failed before handing anything to the transport: a
		// configuration problem that a retry will not fix.
		e.Message = "the SDK could not build the request: " + text
	case !x.MaybeSent:
		e.Message = "request not sent: " + text
	case x.Mutating:
		e.Message = "no usable response after the request was sent; the cloud may have applied it: " + text
	default:
		e.Message = "no usable response: " + text
	}
	return e
}

// joined is an error with several causes and a one-line message.
type joined struct {
	msg  string
	errs []error
}

func (j *joined) Error() string   { return j.msg }
func (j *joined) Unwrap() []error { return j.errs }

// ResponseKind classifies an HTTP error response: when codeKind knows
// the cloud's code, it decides; everything else, a 404 with an unknown
// code included, follows the rules every adapter shares
// ([classify.HTTP]), under which a 404 is never not_found: a proxy's or
// a misrouted gateway's 404 must not read as "already deleted".
func ResponseKind(codeKind func(code string) (provider.Kind, bool), code string, status int, mutating bool) provider.Kind {
	if k, ok := codeKind(code); ok {
		return k
	}
	return classify.HTTP(status, mutating)
}

// signatureValue finds a request signature echoed back in a cloud's text:
// Alibaba's "Signature=<base64>" query parameter (raw or percent-encoded)
// and Huawei's "Signature=<hex>" in an echoed Authorization header.
var signatureValue = regexp.MustCompile(`(?i)(\bsignature=)[^&\s"'<>,;]+`)

// ScrubSignatures replaces the value of every "Signature=" in s: a
// signature the cloud echoes back is a credential for that request (and,
// with the request, an oracle for the key).
func ScrubSignatures(s string) string {
	return signatureValue.ReplaceAllString(s, "${1}"+Redacted)
}
