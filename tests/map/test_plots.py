import numpy as np

from condrate.map import plots


def test_edges_trace_the_border_of_a_region_of_cells():
    mask = np.array([[True, True, False],
                     [True, False, False]])
    segs = sorted(tuple(map(tuple, s)) for s in plots.edges(mask))
    assert segs == sorted([
        ((1.5, -0.5), (1.5, 0.5)),   # between (0,1) and (0,2)
        ((0.5, 0.5), (0.5, 1.5)),    # between (1,0) and (1,1)
        ((0.5, 0.5), (1.5, 0.5)),    # between (0,1) and (1,1)
    ])
    assert plots.edges(np.ones((3, 3), bool)) == []


def test_grid_values_place_each_point_and_leave_gaps():
    t = {"g": [6.0, 12.0, 6.0], "nu_ext_Hz": [5.0, 5.0, 10.0], "x": [1.0, None, 3.0]}
    v = plots.grid_values(t, "x", [6.0, 12.0], [5.0, 10.0])
    assert v[0, 0] == 1.0 and v[1, 0] == 3.0
    assert np.isnan(v[0, 1]) and np.isnan(v[1, 1])
