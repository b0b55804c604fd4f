package ingest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/internal/hubstore"
)

// MaxChunk is UploadBlob's limit of bytes per chunk (a file's is
// contentrules.MaxFileSize).
const MaxChunk = 1 << 20

// UploadBlob receives a file: the header, then chunks. The file is hashed as
// it arrives, checked against the header's SHA-256 and size, typed by the
// one file policy (contentrules.DetectFile: the content must be of the type
// the header's filename promises, and the header's media_type must be that
// type), and stored unless the hub holds it already. A tenant's own files
// are answered already_present from the header alone; another tenant's copy
// counts for nothing (see hubstore.PutBlob).
func (s *Server) UploadBlob(stream pb.IngestService_UploadBlobServer) error {
	ctx := stream.Context()
	tenant, err := tenantOf(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	resp, err := s.uploadBlob(stream, tenant)
	outcome := "STORED"
	switch {
	case err != nil:
		outcome = errOutcome(err)
	case resp.AlreadyPresent:
		outcome = "ALREADY_PRESENT"
	}
	s.metrics.uploads.WithLabelValues(tenant, outcome).Inc()
	ev := s.log.Info().Str("tenant", tenant).Str("outcome", outcome).Dur("took", time.Since(start))
	if resp != nil {
		ev.Str("sha256", resp.Sha256).Uint64("size", resp.Size).Str("media_type", resp.MediaType)
	}
	ev.Msg("upload blob")
	if err != nil {
		return err
	}
	return stream.SendAndClose(resp)
}

func (s *Server) uploadBlob(stream pb.IngestService_UploadBlobServer, tenant string) (*pb.UploadBlobResponse, error) {
	ctx := stream.Context()
	first, err := stream.Recv()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, refuse(contentrules.ReasonRequired, "header", "the first message must be the header", "Thông điệp đầu tiên phải là phần đầu (header)")
		}
		return nil, err
	}
	h := first.GetHeader()
	if h == nil {
		return nil, refuse(contentrules.ReasonRequired, "header", "the first message must be the header", "Thông điệp đầu tiên phải là phần đầu (header)")
	}
	want, err := hex.DecodeString(h.GetSha256())
	if err != nil || len(want) != sha256.Size || h.GetSha256() != hex.EncodeToString(want) {
		return nil, refuse(contentrules.ReasonInvalidFormat, "header.sha256", "sha256 must be 64 lower-case hex digits",
			"sha256 phải gồm 64 chữ số hex viết thường")
	}
	var sum [32]byte
	copy(sum[:], want)
	if err := contentrules.CheckFilename(h.GetFilename()); err != nil {
		return nil, fileRefusal(err)
	}
	switch {
	case h.GetSize() == 0:
		return nil, refuse(contentrules.ReasonRequired, "header.size", "size must be at least 1 byte", "Kích thước tệp phải lớn hơn 0")
	case h.GetSize() > contentrules.MaxFileSize:
		return nil, fileRefusal(contentrules.CheckFileSize(h.GetSize()))
	}

	if strings.TrimSpace(h.GetMediaType()) == "" {
		return nil, refuse(contentrules.ReasonRequired, "header.media_type", "the media type of the file is required",
			"Thiếu kiểu tệp (media type)")
	}

	// Only the caller's own files are "already present": another tenant's
	// copy is no proof that this one holds the bytes, and answering so would
	// tell it what others stored. It sends the bytes, and becomes an owner.
	switch info, err := s.store.BlobInfo(ctx, tenant, sum); {
	case err == nil:
		// The same verdict as if the bytes were sent: the type stored was
		// detected from them.
		if err := contentrules.CheckAttachment(h.GetFilename(), h.GetMediaType(), info.MediaType); err != nil {
			return nil, fileRefusal(err)
		}
		return &pb.UploadBlobResponse{Sha256: h.GetSha256(), Size: uint64(info.Size), MediaType: info.MediaType, AlreadyPresent: true}, nil
	case !errors.Is(err, hubstore.ErrNotFound):
		return nil, grpcError(err)
	}

	release, err := s.slots.acquire(ctx, tenant)
	if err != nil {
		return nil, err
	}
	defer release()
	s.metrics.uploadsInProgress.WithLabelValues(tenant).Inc()
	defer s.metrics.uploadsInProgress.WithLabelValues(tenant).Dec()

	buf := &uploadBuffer{mem: s.memory, declared: int(h.GetSize()), onChange: func(d int64) { s.metrics.uploadBytes.Add(float64(d)) }}
	defer buf.free()
	hash := sha256.New()
	for {
		req, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		chunk := req.GetChunk()
		if req.GetHeader() != nil {
			return nil, refuse(contentrules.ReasonInvalidFormat, "header", "only the first message may be a header", "Chỉ thông điệp đầu tiên được là phần đầu")
		}
		if len(chunk) > MaxChunk {
			return nil, refuse(contentrules.ReasonTooLarge, "chunk", fmt.Sprintf("chunk of %d bytes, limit %d (1 MiB)", len(chunk), MaxChunk),
				"Mỗi phần của tệp không được vượt quá 1 MiB")
		}
		if uint64(len(buf.data)+len(chunk)) > h.GetSize() {
			return nil, refuse(contentrules.ReasonBlobMismatch, "header.size",
				fmt.Sprintf("more bytes than the declared size %d", h.GetSize()),
				fmt.Sprintf("Số byte nhận được nhiều hơn kích thước đã khai báo (%d)", h.GetSize()))
		}
		if err := buf.write(chunk); err != nil {
			return nil, err
		}
		hash.Write(chunk)
	}
	if uint64(len(buf.data)) != h.GetSize() {
		return nil, refuse(contentrules.ReasonBlobMismatch, "header.size",
			fmt.Sprintf("received %d bytes, declared %d", len(buf.data), h.GetSize()),
			fmt.Sprintf("Nhận được %d byte, khác kích thước đã khai báo %d", len(buf.data), h.GetSize()))
	}
	if got := hash.Sum(nil); !bytes.Equal(got, want) {
		return nil, refuse(contentrules.ReasonBlobMismatch, "header.sha256",
			fmt.Sprintf("the bytes hash to %x, declared %s", got, h.GetSha256()),
			fmt.Sprintf("Mã băm của dữ liệu là %x, khác mã đã khai báo %s", got, h.GetSha256()))
	}
	mediaType, err := contentrules.DetectFile(h.GetFilename(), buf.data)
	if err == nil {
		err = contentrules.CheckClaim(h.GetFilename(), mediaType, h.GetMediaType())
	}
	if err != nil {
		return nil, fileRefusal(err)
	}
	already, err := s.store.PutBlob(ctx, tenant, sum, mediaType, buf.data)
	if err != nil {
		return nil, grpcError(err)
	}
	return &pb.UploadBlobResponse{Sha256: h.GetSha256(), Size: h.GetSize(), MediaType: mediaType, AlreadyPresent: already}, nil
}

// fileRefusal turns the file policy's refusal into the INVALID_ARGUMENT
// status of UploadBlob, on the header field it concerns.
func fileRefusal(err error) error {
	var fe *contentrules.FileError
	if !errors.As(err, &fe) {
		return err
	}
	field := "chunk"
	switch fe.Field {
	case contentrules.FileFieldName:
		field = "header.filename"
	case contentrules.FileFieldMediaType:
		field = "header.media_type"
	case contentrules.FileFieldSize:
		field = "header.size"
	}
	return contentrules.InvalidArgument([]contentrules.Violation{fe.Violation(field)})
}

func refuse(reason, field, en, vi string) error {
	return contentrules.Refuse(reason, field, en, vi)
}
