using ConvKit.Kernels.Cpu.Gemm;

namespace ConvKit.Tests.Kernels.Gemm;

/// <summary>The vector copy, add and transpose helpers on every short length, with guards past the end.</summary>
public class GemmPackingTests
{
    [Fact]
    public unsafe void CopyAndAddTouchExactlyCountFloats()
    {
        var src = GemmCase.RandomArray(64, 1);
        for (var count = 0; count <= 40; count++)
        {
            foreach (var offset in new[] { 0, 1, 5 })
            {
                var dst = new float[64];
                dst.AsSpan().Fill(-7f);
                fixed (float* s = src, d = dst)
                {
                    GemmPacking.Copy(s + offset, d + offset, count);
                }
                for (var i = 0; i < dst.Length; i++)
                {
                    Assert.Equal(i >= offset && i < offset + count ? src[i] : -7f, dst[i]);
                }

                var sum = GemmCase.RandomArray(64, 2);
                var before = (float[])sum.Clone();
                fixed (float* s = src, d = sum)
                {
                    GemmPacking.Add(s + offset, d + offset, count);
                }
                for (var i = 0; i < sum.Length; i++)
                {
                    Assert.Equal(i >= offset && i < offset + count ? before[i] + src[i] : before[i], sum[i]);
                }
            }
        }
    }

    [Fact]
    public unsafe void TransposeMatchesElementwiseOnAwkwardBlocks()
    {
        const int srcStride = 29, dstStride = 21;
        var src = GemmCase.RandomArray(20 * srcStride, 3);
        for (var rows = 0; rows <= 19; rows++)
        {
            foreach (var depth in new[] { 0, 1, 7, 8, 9, 16, 20 })
            {
                var dst = new float[(depth + 1) * dstStride];
                dst.AsSpan().Fill(-7f);
                fixed (float* s = src, d = dst)
                {
                    GemmPacking.Transpose(s, srcStride, rows, depth, d, dstStride);
                }
                for (var p = 0; p <= depth; p++)
                {
                    for (var i = 0; i < dstStride; i++)
                    {
                        var expected = p < depth && i < rows ? src[i * srcStride + p] : -7f;
                        Assert.Equal(expected, dst[p * dstStride + i]);
                    }
                }
            }
        }
    }
}
