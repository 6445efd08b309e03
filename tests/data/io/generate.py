"""Write the NumPy files that tests/io_roundtrip.rs loads when Python's
NumPy is not available. Run from this directory with NumPy 2.x:

    python3 generate.py

Every file is tiny; the expected values are spelled out in the test.
"""
import numpy as np

np.save("f8_2x3.npy", np.arange(6.0).reshape(2, 3))
np.save("f8_fortran.npy", np.asfortranarray(np.arange(6.0).reshape(2, 3)))
np.save("i8_big_endian.npy", np.array([1, -2, 3], dtype=">i8"))
np.save("f8_big_endian.npy", np.array([1.5, -0.0, np.inf], dtype=">f8"))
np.save("b1.npy", np.array([[True, False], [False, True]]))
np.save("f8_0d.npy", np.array(3.25))
np.save("i8_empty.npy", np.zeros((0, 3), dtype=np.int64))
np.save("f8_special.npy", np.array([np.nan, -np.inf, 5e-324, -0.0]))
np.save("f4.npy", np.arange(3, dtype=np.float32))
np.savez("arrays.npz", a=np.arange(3), b=np.eye(2), c=np.array(True))
np.savez_compressed("compressed.npz", x=np.linspace(0, 1, 5), y=np.arange(4).reshape(2, 2))
np.savetxt("data.csv", np.array([[1.5, 2.0, -3.0], [4.0, 5.25, 6.0]]), delimiter=",", header="a,b,c")
np.savetxt("ints.txt", np.array([[1, 2], [3, 4]]), fmt="%d")
with open("missing.csv", "w") as f:
    f.write("1,2,3\n4,,6\n7,8,x\n")
