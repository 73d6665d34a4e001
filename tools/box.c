/* SPDX-License-Identifier: MIT */
/* Launching the TD-in-a-box payload (see box.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "box.h"

extern const uint8_t tdx_cli_payload[], tdx_cli_payload_end[];
extern const uint8_t tdx_cli_reset[], tdx_cli_reset_end[];

#define PAGE 4096u
#define BOX_MEM (64ULL << 20) /* the emulated module's memory, from GPA 0 */

const uint8_t *box_payload(size_t *len)
{
	*len = (size_t)(tdx_cli_payload_end - tdx_cli_payload);
	return tdx_cli_payload;
}

const uint8_t *box_reset_page(void)
{
	return tdx_cli_reset;
}

/* The payload's pages at 1 MiB, then the reset page, each added and
 * measured, in the order box_launch adds them. */
int box_predict(uint8_t mrtd[48])
{
	size_t len;
	const uint8_t *p = box_payload(&len);
	tdx_mrtd *m;
	int rc = tdx_mrtd_new(&m);

	if (!rc)
		rc = tdx_mrtd_add_region(m, BOX_PAYLOAD_GPA, (len + PAGE - 1) / PAGE, p, len,
					 TDX_MEASURE_EXTEND);
	if (!rc)
		rc = tdx_mrtd_add_region(m, BOX_RESET_GPA, 1, tdx_cli_reset, PAGE, TDX_MEASURE_EXTEND);
	if (!rc)
		rc = tdx_mrtd_finalize(m, mrtd);
	tdx_mrtd_free(m);
	return rc;
}

void box_close(box *b)
{
	tdx_vcpu_close(b->vcpu);
	tdx_vm_close(b->vm);
	tdx_host_close(b->host);
	memset(b, 0, sizeof(*b));
}

const char *box_kvm_missing(void)
{
	if (access("/dev/kvm", R_OK | W_OK) == 0)
		return NULL;
	return access("/dev/kvm", F_OK) ? "/dev/kvm is absent: KVM not loaded, or no hardware "
					  "virtualization"
					: "/dev/kvm is not accessible: run as root or join the kvm group";
}

/* The TD way: the same host API calls as on a TDX host. */
int box_launch(box *b, uint64_t rcx, int verbose, const char **step)
{
	size_t len, npages;
	const uint8_t *image = box_payload(&len);
	uint8_t *pages;
	int rc = 0;

	memset(b, 0, sizeof(*b));
	npages = (len + PAGE - 1) / PAGE;
	pages = aligned_alloc(PAGE, npages * PAGE);
	if (!pages) {
		*step = "allocating the image";
		return 1;
	}
	memset(pages, 0, npages * PAGE);
	memcpy(pages, image, len);
#define STEP(what, call)                             \
	do {                                         \
		*step = what;                        \
		if (verbose)                         \
			printf("host:  %s\n", what); \
		if ((call)) {                        \
			rc = 1;                      \
			goto out;                    \
		}                                    \
	} while (0)
	STEP("open the host (" BOX_BACKEND ": /dev/kvm + the emulated TDX module)",
	     tdx_host_open(&b->host, BOX_BACKEND));
	STEP("create the TD (KVM_CREATE_VM type TDX)", tdx_vm_create(&b->vm, b->host, NULL));
	STEP("initialise the TD (KVM_TDX_INIT_VM)", tdx_vm_init(b->vm, NULL));
	STEP("add 64 MiB of private memory at GPA 0 and the reset vector's page",
	     tdx_vm_add_private_memory(b->vm, 0, BOX_MEM) ||
		     tdx_vm_add_private_memory(b->vm, BOX_RESET_GPA, PAGE));
	STEP("create and initialise vCPU 0 (KVM_TDX_INIT_VCPU)",
	     tdx_vcpu_create(&b->vcpu, b->vm) || tdx_vcpu_init(b->vcpu, rcx));
	STEP("add and measure the payload at 1 MiB and the reset page (KVM_TDX_INIT_MEM_REGION)",
	     tdx_vm_init_mem_region(b->vcpu, pages, BOX_PAYLOAD_GPA, npages, 1) ||
		     tdx_vm_init_mem_region(b->vcpu, tdx_cli_reset, BOX_RESET_GPA, 1, 1));
	STEP("finalize (KVM_TDX_FINALIZE_VM)", tdx_vm_finalize(b->vm));
	STEP("read the TD's MRTD", tdx_vm_mrtd(b->vm, b->mrtd));
#undef STEP
	*step = NULL;
out:
	free(pages);
	if (rc)
		box_close(b);
	return rc;
}

const char *box_console(box *b)
{
	static char text[8192];
	size_t len = sizeof(text) - 1;

	if (tdx_emu_console(tdx_vm_emu(b->vm), text, &len))
		len = 0;
	text[len] = '\0';
	return text;
}
