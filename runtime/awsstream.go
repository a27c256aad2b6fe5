package runtime

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentruntime"
	agenttypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentruntime/types"
	"github.com/aws/smithy-go"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/actiongate/actiongate"
)

// agentAnswer is InvokeAgent's output as the action returns it: the event
// stream of the agent's answer read to its end and gathered into one
// object. Members other than Completion, SessionId and ContentType are left
// out when the answer has none.
type agentAnswer struct {
	// Completion is the agent's answer: the bytes of every chunk event, in
	// order, as text ("" when the agent returned control instead).
	Completion *string
	// SessionId, ContentType and MemoryId are the answer's headers.
	SessionId   *string
	ContentType *string
	MemoryId    *string
	// Citations are those of every chunk's attribution, in order: the parts
	// of Completion they support and the sources they cite.
	Citations []jsontext.Value
	// ReturnControl is the payload of the returnControl event: the action
	// the agent wants the caller to perform (InvocationId and
	// InvocationInputs), whose result goes back in
	// SessionState.ReturnControlInvocationResults.
	ReturnControl jsontext.Value
	// Files are those of the files events (code interpreter output), with
	// their content in base64.
	Files []jsontext.Value
}

// agentStream gathers InvokeAgent's events into an agentAnswer, keeping at
// most limit bytes of them.
type agentStream struct {
	answer     agentAnswer
	completion bytes.Buffer
	limit      int
	// kept counts the bytes kept: those of the chunks, and the encoded
	// citations, return control payload and files.
	kept int
}

// invokeAgentOutput shapes InvokeAgent's output: it reads the answer's
// event stream to its end, or until ctx is done, and returns the
// agentAnswer. Trace events and events of unknown types are left out. An
// answer of more than limit bytes fails with KindUpstream; an exception
// the service sends in the stream fails as an error answer of the service
// would.
func invokeAgentOutput(ctx context.Context, out *bedrockagentruntime.InvokeAgentOutput, limit int) ([]byte, error) {
	stream := out.GetStream()
	defer stream.Close()
	s := &agentStream{limit: limit}
	s.answer.SessionId, s.answer.ContentType, s.answer.MemoryId = out.SessionId, out.ContentType, out.MemoryId
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case ev, ok := <-stream.Events():
			if !ok {
				if err := stream.Err(); err != nil {
					return nil, streamError(err)
				}
				s.answer.Completion = aws.String(strings.ToValidUTF8(s.completion.String(), "\uFFFD"))
				return encodeOutput(&s.answer)
			}
			if err := s.add(ev); err != nil {
				return nil, err
			}
		}
	}
}

// add keeps what the answer holds of ev.
func (s *agentStream) add(ev agenttypes.ResponseStream) error {
	switch e := ev.(type) {
	case *agenttypes.ResponseStreamMemberChunk:
		s.completion.Write(e.Value.Bytes)
		if err := s.take(len(e.Value.Bytes)); err != nil {
			return err
		}
		if a := e.Value.Attribution; a != nil {
			return keepAll(s, &s.answer.Citations, a.Citations)
		}
	case *agenttypes.ResponseStreamMemberReturnControl:
		v, err := s.keep(&e.Value)
		s.answer.ReturnControl = v
		return err
	case *agenttypes.ResponseStreamMemberFiles:
		return keepAll(s, &s.answer.Files, e.Value.Files)
	}
	return nil
}

// keepAll appends the encoding of each of vs, SDK values, to dst, counting
// their bytes as kept by s.
func keepAll[T any](s *agentStream, dst *[]jsontext.Value, vs []T) error {
	for i := range vs {
		v, err := s.keep(&vs[i])
		if err != nil {
			return err
		}
		*dst = append(*dst, v)
	}
	return nil
}

// keep encodes v, an SDK value, and counts its bytes as kept.
func (s *agentStream) keep(v any) (jsontext.Value, error) {
	b, err := encodeOutput(v)
	if err != nil {
		return nil, err
	}
	return b, s.take(len(b))
}

// take counts n more bytes as kept; past the limit, the answer fails with
// KindUpstream.
func (s *agentStream) take(n int) error {
	s.kept += n
	if s.kept > s.limit {
		return actiongate.Errorf(actiongate.KindUpstream, "The agent's answer is larger than %d bytes.", s.limit)
	}
	return nil
}

// streamError maps an error that ended an event stream: an exception the
// service sent in it is an error answer of the service, with the status of
// the answer that carried the stream (200); other errors, such as a broken
// connection, are returned as they are.
func streamError(err error) error {
	var api smithy.APIError
	if errors.As(err, &api) {
		return &apiError{status: http.StatusOK, code: api.ErrorCode(), message: api.ErrorMessage()}
	}
	return err
}
