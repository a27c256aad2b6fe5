package e2e

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

// TestThrottlingIsRetriedBySDK limits writes to 5 per second and sends 12 at
// once: the server answers some with 429 ThrottlingException, the SDK's
// standard retryer backs off and retries them, and all succeed.
func TestThrottlingIsRetriedBySDK(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := startServer(t, serverOptions{args: []string{"--throttle-write-rate", "5", "--throttle-write-burst", "2"}})
	c := quicksight.New(quicksight.Options{Region: region, BaseEndpoint: aws.String(s.URL),
		Credentials: credentials.NewStaticCredentialsProvider(adminKey, adminSecr, ""),
		Retryer:     retry.AddWithMaxAttempts(retry.NewStandard(), 10)})
	var (
		wg       sync.WaitGroup
		attempts atomic.Int64
	)
	for i := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := c.CreateActionConnector(ctx, &quicksight.CreateActionConnectorInput{AwsAccountId: aws.String(account),
				ActionConnectorId: aws.String(fmt.Sprintf("t%02d", i)), Name: aws.String("Throttled"),
				Type: types.ActionConnectorTypeGenericHttp, AuthenticationConfig: noneAuth("https://api.example.com")})
			if err != nil {
				t.Errorf("create %d: %v", i, err)
				return
			}
			results, _ := retry.GetAttemptResults(out.ResultMetadata)
			attempts.Add(int64(len(results.Results)))
		}()
	}
	wg.Wait()
	if attempts.Load() <= 12 {
		t.Errorf("%d attempts for 12 creates: nothing was throttled", attempts.Load())
	}
	t.Logf("12 creates took %d attempts", attempts.Load())

	// Reads have their own bucket, unlimited here.
	for range 20 {
		if _, err := s.admin().ListActionConnectors(ctx, &quicksight.ListActionConnectorsInput{AwsAccountId: aws.String(account)}); err != nil {
			t.Fatalf("a read was throttled: %v", err)
		}
	}
	// Without retries the SDK surfaces the error with its code.
	var throttled bool
	for i := range 10 {
		_, err := s.admin().TagResource(ctx, &quicksight.TagResourceInput{ResourceArn: aws.String(connectorARN("t00")),
			Tags: []types.Tag{{Key: aws.String(fmt.Sprint(i)), Value: aws.String("v")}}})
		var te *types.ThrottlingException
		if errors.As(err, &te) {
			throttled = true
			break
		}
	}
	if !throttled {
		t.Error("10 writes at once were not throttled at 5 per second")
	}
}
