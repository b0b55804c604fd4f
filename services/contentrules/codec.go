package contentrules

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"google.golang.org/grpc/encoding"
	grpcproto "google.golang.org/grpc/encoding/proto"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/protoadapt"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Codec returns the gRPC codec the aggregator installs with
// grpc.ForceServerCodecV2. It marshals like the standard "proto" codec
// (and has its name, so clients need nothing special). Unmarshalling differs
// in one way: protobuf-go refuses proto3 strings holding invalid UTF-8, which
// would make the server answer INTERNAL; this codec then replaces each
// invalid byte sequence in every string field (nested messages, repeated
// fields and map entries included) with U+FFFD and unmarshals the repaired
// bytes, so that Prepare can refuse the push with INVALID_UTF8 and the
// field's path. Bytes that are not the encoding of the message at all are
// the caller's fault, yet grpc-go answers INTERNAL (and ends the stream)
// when a codec fails: the codec then leaves the message empty and marked,
// and the server's interceptors answer it INVALID_ARGUMENT (Undecodable).
func Codec() encoding.CodecV2 { return codec{} }

type codec struct{}

func (codec) Name() string { return grpcproto.Name }

func (codec) Marshal(v any) (mem.BufferSlice, error) {
	m := messageOf(v)
	if m == nil {
		return nil, fmt.Errorf("contentrules codec: cannot marshal %T, want proto.Message", v)
	}
	b, err := proto.Marshal(m)
	if err != nil {
		return nil, err
	}
	return mem.BufferSlice{mem.SliceBuffer(b)}, nil
}

func (codec) Unmarshal(data mem.BufferSlice, v any) error {
	m := messageOf(v)
	if m == nil {
		return fmt.Errorf("contentrules codec: cannot unmarshal into %T, want proto.Message", v)
	}
	buf := data.MaterializeToBuffer(mem.DefaultBufferPool())
	defer buf.Free()
	b := buf.ReadOnlyData()
	err := proto.Unmarshal(b, m)
	if err == nil {
		return nil
	}
	repaired, changed, rerr := repairUTF8(b, m.ProtoReflect().Descriptor(), 0)
	if rerr == nil && changed {
		if err = proto.Unmarshal(repaired, m); err == nil {
			return nil
		}
	}
	// Not an invalid UTF-8 problem (or wire bytes too broken to walk).
	markUndecodable(m, err)
	return nil
}

// undecodableField is the field number (the highest protobuf allows) under
// which the codec marks, in a message's unknown fields, that the bytes it
// was given could not be decoded, with the decoder's error.
const undecodableField = protowire.MaxValidNumber

func markUndecodable(m proto.Message, err error) {
	proto.Reset(m)
	mark := protowire.AppendTag(nil, undecodableField, protowire.BytesType)
	mark = protowire.AppendString(mark, err.Error())
	m.ProtoReflect().SetUnknown(mark)
}

// Undecodable returns the answer to a request message the codec could not
// decode (INVALID_ARGUMENT, reason INVALID_FORMAT, saying why), or nil for
// any other message. The aggregator's interceptors call it on every message
// they receive.
func Undecodable(v any) error {
	m := messageOf(v)
	if m == nil {
		return nil
	}
	unknown := m.ProtoReflect().GetUnknown()
	for len(unknown) > 0 {
		num, typ, n := protowire.ConsumeTag(unknown)
		if n < 0 {
			return nil
		}
		unknown = unknown[n:]
		if num == undecodableField && typ == protowire.BytesType {
			why, _ := protowire.ConsumeBytes(unknown)
			return Refuse(ReasonInvalidFormat, "", "the request is not a valid protobuf encoding of its message: "+string(why),
				"Cổng tỉnh không đọc được lời gọi: dữ liệu gửi lên không đúng định dạng protobuf của thông điệp.")
		}
		m := protowire.ConsumeFieldValue(num, typ, unknown)
		if m < 0 {
			return nil
		}
		unknown = unknown[m:]
	}
	return nil
}

func messageOf(v any) proto.Message {
	switch v := v.(type) {
	case protoadapt.MessageV2:
		return v
	case protoadapt.MessageV1:
		return protoadapt.MessageV2Of(v)
	}
	return nil
}

// maxRepairDepth bounds recursion like protobuf-go's default limit.
const maxRepairDepth = 10000

var errRepair = errors.New("malformed wire data")

// repairUTF8 rewrites the wire encoding b of a message described by md,
// replacing invalid UTF-8 in string fields with U+FFFD. changed reports
// whether any string was repaired. Fields the descriptor does not know are
// copied unchanged.
func repairUTF8(b []byte, md protoreflect.MessageDescriptor, depth int) (out []byte, changed bool, err error) {
	if depth > maxRepairDepth {
		return nil, false, errRepair
	}
	out = make([]byte, 0, len(b)+16)
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return nil, false, errRepair
		}
		tag := b[:n]
		b = b[n:]
		fd := md.Fields().ByNumber(num)
		switch {
		case typ == protowire.BytesType && fd != nil && fd.Kind() == protoreflect.StringKind:
			v, m := protowire.ConsumeBytes(b)
			if m < 0 {
				return nil, false, errRepair
			}
			out = append(out, tag...)
			if utf8.Valid(v) {
				out = protowire.AppendBytes(out, v)
			} else {
				out = protowire.AppendString(out, strings.ToValidUTF8(string(v), "\uFFFD"))
				changed = true
			}
			b = b[m:]
		case typ == protowire.BytesType && fd != nil && fd.Kind() == protoreflect.MessageKind:
			// Also covers map entries, whose descriptor is a synthetic message.
			v, m := protowire.ConsumeBytes(b)
			if m < 0 {
				return nil, false, errRepair
			}
			inner, ch, err := repairUTF8(v, fd.Message(), depth+1)
			if err != nil {
				return nil, false, err
			}
			out = append(out, tag...)
			out = protowire.AppendBytes(out, inner)
			changed = changed || ch
			b = b[m:]
		case typ == protowire.StartGroupType && fd != nil && fd.Kind() == protoreflect.GroupKind:
			v, m := protowire.ConsumeGroup(num, b)
			if m < 0 {
				return nil, false, errRepair
			}
			inner, ch, err := repairUTF8(v, fd.Message(), depth+1)
			if err != nil {
				return nil, false, err
			}
			out = append(out, tag...)
			out = append(out, inner...)
			out = protowire.AppendTag(out, num, protowire.EndGroupType)
			changed = changed || ch
			b = b[m:]
		default:
			m := protowire.ConsumeFieldValue(num, typ, b)
			if m < 0 {
				return nil, false, errRepair
			}
			out = append(out, tag...)
			out = append(out, b[:m]...)
			b = b[m:]
		}
	}
	return out, changed, nil
}
