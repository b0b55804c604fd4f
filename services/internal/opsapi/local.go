package opsapi

import (
	"context"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/opsaccounts"
)

// Local is the OpsService called in-process as sess's account: the console
// (signed in with a console session, not a token) acts through it, so a
// console action and the same hubctl command meet the same role check,
// rules, audit entry and error mapping. The messages are copied, as over
// the wire; Login has no local form (the console signs in on its own).
func (s *Server) Local(sess opsaccounts.Session) pb.OpsServiceClient {
	return pb.NewOpsServiceClient(localConn{s: s, sess: sess})
}

type localConn struct {
	s    *Server
	sess opsaccounts.Session
}

// localMethods are OpsService's unary methods by full name.
var localMethods = func() map[string]grpc.MethodDesc {
	m := make(map[string]grpc.MethodDesc, len(pb.OpsService_ServiceDesc.Methods))
	for _, d := range pb.OpsService_ServiceDesc.Methods {
		m["/"+pb.OpsService_ServiceDesc.ServiceName+"/"+d.MethodName] = d
	}
	return m
}()

func (c localConn) Invoke(ctx context.Context, method string, args, reply any, _ ...grpc.CallOption) (err error) {
	d, ok := localMethods[method]
	if !ok || method == pb.OpsService_Login_FullMethodName {
		return status.Error(codes.Unimplemented, "no local call "+method)
	}
	defer func() {
		c.s.calls.WithLabelValues(method[strings.LastIndexByte(method, '/')+1:], status.Code(err).String()).Inc()
	}()
	dec := func(dst any) error {
		proto.Merge(dst.(proto.Message), args.(proto.Message))
		return nil
	}
	guard := func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		return c.s.authorise(ctx, c.sess, req, info, handler)
	}
	resp, err := d.Handler(c.s, ctx, dec, guard)
	if err != nil {
		return err
	}
	proto.Reset(reply.(proto.Message))
	proto.Merge(reply.(proto.Message), resp.(proto.Message))
	return nil
}

func (localConn) NewStream(context.Context, *grpc.StreamDesc, string, ...grpc.CallOption) (grpc.ClientStream, error) {
	return nil, status.Error(codes.Unimplemented, "OpsService's streams (RebuildSearchIndex) have no local form")
}
