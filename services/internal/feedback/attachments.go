package feedback

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/feedbackrules"
	"github.com/portalhub/portalhub/services/personaldata"
)

// A question's attachments (issue 9 point 1) are personal data: each
// file's name and content are sealed under the submission's data key, so
// the retention job or a deletion shreds them with the contact details.
// The routing event lists them by position, type and size only; the
// responsible tenant reads one with GetFeedbackAttachment.

// sealedFile is an attachment ready to store.
type sealedFile struct {
	position   int
	mediaType  string
	size       int
	name, data []byte
}

// fileFields are the personal-data fields of attachment i: its name and
// its content, bound into their ciphertexts.
func fileFields(i int) (name, data personaldata.Field) {
	return personaldata.Field(fmt.Sprintf("attachment.%d.name", i)), personaldata.Field(fmt.Sprintf("attachment.%d.data", i))
}

// sealFiles seals files (checked by feedbackrules.Check) under key.
func sealFiles(key *personaldata.DataKey, files []feedbackrules.File) ([]sealedFile, []*pb.FeedbackFileInfo, error) {
	var out []sealedFile
	var infos []*pb.FeedbackFileInfo
	for i, f := range files {
		mt, code := feedbackrules.FileMediaType(f)
		if code != "" {
			return nil, nil, &InvalidError{[]feedbackrules.Problem{{Field: "attachments", Code: code}}}
		}
		nf, df := fileFields(i)
		name, err := key.Seal(nf, []byte(f.Name))
		if err != nil {
			return nil, nil, err
		}
		data, err := key.Seal(df, f.Data)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, sealedFile{position: i, mediaType: mt, size: len(f.Data), name: name, data: data})
		infos = append(infos, &pb.FeedbackFileInfo{Index: int32(i), MediaType: mt, Size: int64(len(f.Data))})
	}
	return out, infos, nil
}

// Attachment returns attachment index of submission id to tenant, the one
// it is routed to: ErrPermission for any other tenant, ErrNotFound when
// there is no such attachment or the submission's personal data was
// deleted.
func (s *Store) Attachment(ctx context.Context, tenant, id string, index int) (feedbackrules.File, string, error) {
	var owner, mediaType string
	var name, data []byte
	err := s.cfg.Pool.QueryRow(ctx, `SELECT f.tenant_id, a.media_type, a.name, a.data
		FROM feedback f JOIN feedback_attachments a ON a.feedback_id = f.id
		WHERE f.id = $1 AND a.position = $2`, id, index).Scan(&owner, &mediaType, &name, &data)
	if errors.Is(err, pgx.ErrNoRows) {
		return feedbackrules.File{}, "", ErrNotFound
	}
	if err != nil {
		return feedbackrules.File{}, "", dbErr("attachment", err)
	}
	if owner != tenant {
		return feedbackrules.File{}, "", ErrPermission
	}
	key, err := s.cfg.Keys.Get(ctx, id)
	if errors.Is(err, personaldata.ErrShredded) {
		return feedbackrules.File{}, "", ErrNotFound
	}
	if err != nil {
		return feedbackrules.File{}, "", dbErr("attachment key", err)
	}
	nf, df := fileFields(index)
	plainName, err := key.Open(nf, name)
	if err != nil {
		return feedbackrules.File{}, "", err
	}
	plain, err := key.Open(df, data)
	if err != nil {
		return feedbackrules.File{}, "", err
	}
	return feedbackrules.File{Name: string(plainName), Data: plain}, mediaType, nil
}
