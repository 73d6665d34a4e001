# SPDX-License-Identifier: MIT
"""The host flow on the emulated host: build a TD, check its MRTD."""

import hashlib

import pytest

import tdx

PAGE = 4096
FOUR_GIB = 1 << 32


def payload(n):
    return bytes((i * 31 + 7) & 0xFF for i in range(n))


def test_launch_measured_td_matches_prediction():
    image = payload(3 * PAGE - 100)           # not a whole number of pages
    config = payload(PAGE)[::-1]              # added, not measured
    gpa = FOUR_GIB - 4 * PAGE
    mrconfigid = hashlib.sha384(b"config").digest()
    nonce = bytes(range(64))

    predicted = tdx.measure.mrtd([(gpa, image, True), (gpa + 3 * PAGE, config, False)])

    with tdx.Host("emu") as host:
        assert host.backend == "emu"
        assert host.probe().tdx is True
        vm = host.create_vm()
        vm.init(mrconfigid=mrconfigid)
        caps = vm.capabilities()
        assert caps.supported_attrs & tdx.TDX_TD_ATTR_SEPT_VE_DISABLE
        assert caps.num_cpuid_configs == len(vm.cpuid_configs())
        assert caps.max_vcpus == 64  # the VM's own limit, not /dev/kvm's
        vm.add_private_memory(gpa, 4 * PAGE)
        vcpu = vm.create_vcpu()
        vcpu.init(rcx=0)
        vm.init_mem_region(vcpu, image, gpa, measure=True)
        vm.init_mem_region(vcpu, config, gpa + 3 * PAGE, measure=False)
        vm.finalize()
        assert vm.mrtd == predicted

        with vm.guest() as g:
            r = tdx.Report.parse(g.get_report(nonce))
            g.verify_report(r)
        assert r.mrtd == predicted
        assert r.mrconfigid == mrconfigid
        assert r.report_data == nonce

        # A TD without a vCPU program halts at once.
        exit_ = vcpu.run()
        assert exit_.reason == tdx.TDX_EXIT_HLT and exit_.reason_name == "HLT"
        vcpu.close()
        vm.close()


def test_measure_prediction_differs_by_order_and_mode():
    image = payload(2 * PAGE)
    single = tdx.measure.mrtd([(0x100000, image, True)])
    two_pass = tdx.measure.mrtd([(0x100000, image, True)], two_pass=True)
    unmeasured = tdx.measure.mrtd([(0x100000, image, False)])
    moved = tdx.measure.mrtd([(0x200000, image, True)])
    assert len({single, two_pass, unmeasured, moved}) == 4
    # Content does not matter when it is not extended.
    assert unmeasured == tdx.measure.mrtd([(0x100000, bytes(2 * PAGE), False)])
    # A 2-tuple region is extended.
    assert tdx.measure.mrtd([(0x100000, image)]) == single


def test_tee_info_hash_matches_report():
    with tdx.Guest("emu") as g:
        g.rtmr_extend(0, hashlib.sha384(b"boot").digest())
        r = tdx.Report.parse(g.get_report(bytes(64)))
    got = tdx.measure.tee_info_hash(attributes=r.attributes, xfam=r.xfam, mrtd=r.mrtd,
                                    mrconfigid=r.mrconfigid, mrowner=r.mrowner,
                                    mrownerconfig=r.mrownerconfig, rtmr=r.rtmr,
                                    servtd_hash=r.servtd_hash)
    assert got == r.tee_info_hash


def test_wrong_order_raises_state_error_with_library_message():
    with tdx.Host("emu") as host, host.create_vm() as vm:
        with pytest.raises(tdx.StateError) as ei:
            vm.finalize()
        e = ei.value
        assert e.code == tdx.lowlevel.TDX_E_STATE and e.layer_name == "library"
        assert e.message.startswith("tdx_vm_finalize: tdx_vm_finalize needs tdx_vm_init first")
        assert "order: tdx_vm_create, tdx_vm_init" in e.message
        with pytest.raises(tdx.StateError, match="tdx_vcpu_create needs tdx_vm_init first"):
            vm.create_vcpu()
        vm.init()
        with pytest.raises(tdx.StateError, match="after tdx_vm_finalize"):
            vm.mrtd


def test_init_mem_region_needs_private_memory():
    with tdx.Host("emu") as host, host.create_vm() as vm:
        vm.init()
        with vm.create_vcpu() as vcpu:
            vcpu.init()
            with pytest.raises(tdx.Error):
                vm.init_mem_region(vcpu, payload(PAGE), FOUR_GIB - PAGE)


def test_objects_may_be_collected_in_any_order():
    host = tdx.Host("emu")
    vm = host.create_vm()
    vm.init()
    vcpu = vm.create_vcpu()
    del host, vm  # the vCPU keeps its VM (and the VM its host) alive
    vcpu.init()
    vcpu.close()


def test_init_with_cpuid_and_gpaw():
    with tdx.Host("emu") as host, host.create_vm() as vm:
        configurable = {c.function for c in vm.cpuid_configs()}
        assert 1 in configurable
        vm.init(cpuid=[tdx.CpuidEntry(1, 0, 0, 0, 0, 0, 0)], gpaw=52)
        with vm.create_vcpu() as vcpu:
            vcpu.init()
            leaves = {e.function: e for e in vcpu.cpuid()}
    # libtdx writes the GPAW into CPUID 0x80000008 EAX[23:16].
    assert leaves[0x80000008].eax >> 16 & 0xFF == 52
    assert 1 in leaves


def test_plain_vm_sequence_runs_in_software():
    # plain=True: an ordinary KVM VM with the TDX-only steps in software;
    # on the emulated host the same order rules hold.
    with tdx.Host("emu") as host, host.create_vm(plain=True) as vm:
        with pytest.raises(tdx.StateError):
            vm.finalize()
        vm.init()
        vm.add_private_memory(0x100000, PAGE)
        with vm.create_vcpu() as vcpu:
            vcpu.init()
            vm.init_mem_region(vcpu, b"plain", 0x100000)
            vm.finalize()
            assert vm.mrtd == tdx.measure.mrtd([(0x100000, b"plain", True)])


def test_borrowed_emu_dies_with_its_vm():
    with tdx.Host("emu") as host:
        vm = host.create_vm()
        vm.init()
        vm.add_private_memory(0x100000, PAGE)
        with vm.create_vcpu() as vcpu:
            vcpu.init()
            vm.init_mem_region(vcpu, b"x", 0x100000)
        vm.finalize()
        assert vm.emu() is None  # only after vm.guest()
        with vm.guest() as g:
            raw = g.get_report(bytes(64))
        emu = vm.emu()
        # The host's quote service (what a VMM's GetQuote handler calls).
        assert tdx.Quote.parse(emu.quote(raw)).mrtd == vm.mrtd
        vm.close()
        with pytest.raises(tdx.StateError, match="belongs to a Vm that is closed"):
            emu.root_ca_pem
        emu.close()  # borrowed: nothing to release


def td_shim_image():
    """A small firmware image in td-shim's legacy layout: TDVF metadata
    (GUID, descriptor, sections) found through the u32 at size - 0x20."""
    size, meta = 0x10000, 0xF000
    img = bytearray((i * 13 + 5) & 0xFF for i in range(size))
    sections = [  # DataOffset, RawDataSize, MemoryAddress, MemoryDataSize, Type, Attributes
        (0, size, 0xFFFF0000, size, 0, 1),          # BFV, MR.EXTEND (the whole image)
        (0, 0, 0x800000, 0x2000, 3, 0),             # TempMem, PAGE.ADD only
    ]
    guid = bytes([0xF3, 0xF9, 0xEA, 0xE9, 0x8E, 0x16, 0xD5, 0x44,
                  0xA8, 0xEB, 0x7F, 0x4D, 0x87, 0x38, 0xF6, 0xAE])
    desc = b"TDVF" + (16 + 32 * len(sections)).to_bytes(4, "little") \
        + (1).to_bytes(4, "little") + len(sections).to_bytes(4, "little")
    for off, raw, addr, msize, typ, attr in sections:
        desc += b"".join(v.to_bytes(n, "little") for v, n in (
            (off, 4), (raw, 4), (addr, 8), (msize, 8), (typ, 4), (attr, 4)))
    img[meta:meta + 16] = guid
    img[meta + 16:meta + 16 + len(desc)] = desc
    img[size - 48:] = bytes(48)
    img[size - 0x20:size - 0x1C] = (meta + 16).to_bytes(4, "little")
    return bytes(img), sections


def test_tdvf_prediction(tmp_path):
    image, sections = td_shim_image()
    path = tmp_path / "td-shim.bin"
    path.write_bytes(image)
    got = tdx.measure.tdvf_sections(path)
    assert got == tdx.measure.tdvf_sections(image)
    assert [(s.data_offset, s.raw_data_size, s.memory_address, s.memory_data_size, s.type,
             s.attributes) for s in got] == sections
    # The same image as regions: the BFV's content extended, TempMem added.
    regions = [(0xFFFF0000, image, True), (0x800000, bytes(0x2000), False)]
    assert tdx.measure.tdvf(path) == tdx.measure.mrtd(regions)
    assert tdx.measure.tdvf(path, two_pass=True) == tdx.measure.mrtd(regions, two_pass=True)
    assert tdx.measure.tdvf(path) != tdx.measure.tdvf(path, two_pass=True)
