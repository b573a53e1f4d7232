package broker

import (
	"context"
	"fmt"

	"github.com/certbroker/certbroker/provider"
)

// dryRun checks what a real run would check, without a mutating call:
// the ID's shape (the provider's IDChecker) and the whole request, as the
// provider checks it before sending (its provider.Checker), and,
// when check is set, that the order's current state (read with Status)
// allows the operation.
func (b *Broker) dryRun(ctx context.Context, o *origin, ref provider.Ref, req provider.Request, check bool) (*Result, *OpError) {
	op := req.Op()
	if perr := b.precheck(ctx, o, req); perr != nil {
		return nil, &OpError{Op: op, Ref: ref, Err: perr, Note: "dry run"}
	}
	res := &Result{Result: provider.Result{Origin: o.name, ID: ref.ID, Op: op}}
	if !check {
		return res, nil
	}
	st, _, oe := b.exec(ctx, o, ref, provider.StatusRequest{ID: ref.ID})
	if oe != nil {
		oe.Op, oe.Note = op, joinNote("dry run: reading the state failed", oe.Note)
		return nil, oe
	}
	res.State, res.NativeState, res.NotAfter, res.RequestID = st.State, st.NativeState, st.NotAfter, st.RequestID
	if op == provider.OpStatus {
		return res, nil
	}
	if c := o.capsFor(ref.ID).For(op); !c.Allows(st.State) {
		return nil, &OpError{Op: op, Ref: ref, Note: "dry run", Read: &st.Result, Err: &provider.Error{
			Kind: provider.KindInvalidState, Op: op, Origin: o.name, ID: ref.ID, RequestID: st.RequestID,
			Message: fmt.Sprintf("%s is not allowed from state %s (allowed from %v)", op, st.State, c.From),
		}}
	}
	return res, nil
}

func joinNote(a, b string) string {
	switch {
	case b == "":
		return a
	case a == "":
		return b
	}
	return a + "; " + b
}
