namespace ConvKit.Layers.Convolution;

/// <summary>
/// Ready-made connection tables for <see cref="Conv2D"/>'s <c>connectionTable</c> argument: entry [k, c] is true when
/// input channel c feeds filter k.
/// </summary>
public static class ConnectionTables
{
    /// <summary>
    /// LeNet-5's S2 -> C3 table (LeCun et al. 1998, "Gradient-based learning applied to document recognition", Table I,
    /// <see href="http://yann.lecun.com/exdb/publis/pdf/lecun-98.pdf"/>): 16 C3 maps (rows) over 6 S2 maps (columns).
    /// Maps 0-5 see 3 consecutive S2 maps, 6-11 see 4 consecutive, 12-14 see 4 non-consecutive, and 15 sees all 6:
    /// {0,1,2}, {1,2,3}, {2,3,4}, {3,4,5}, {4,5,0}, {5,0,1}, {0,1,2,3}, {1,2,3,4}, {2,3,4,5}, {3,4,5,0}, {4,5,0,1},
    /// {5,0,1,2}, {0,1,3,4}, {1,2,4,5}, {0,2,3,5}, {0,...,5}. With 5x5 kernels this gives C3's 1,516 parameters
    /// (60 connections · 25 + 16 biases). A new array is returned on every call.
    /// </summary>
    /// <example><code>new Conv2D(16, 5, activation: "lecun_tanh", connectionTable: ConnectionTables.LeNet5ConnectionTable())</code></example>
    public static bool[,] LeNet5ConnectionTable()
    {
        int[][] sees =
        [
            [0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 0], [5, 0, 1],
            [0, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 5], [3, 4, 5, 0], [4, 5, 0, 1], [5, 0, 1, 2],
            [0, 1, 3, 4], [1, 2, 4, 5], [0, 2, 3, 5],
            [0, 1, 2, 3, 4, 5],
        ];
        var table = new bool[16, 6];
        for (var k = 0; k < sees.Length; k++)
        {
            foreach (var c in sees[k])
            {
                table[k, c] = true;
            }
        }
        return table;
    }
}
